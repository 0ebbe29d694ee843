const express = require('express');
const cors = require('cors');

const app = express();
app.use(cors());
app.use(express.json());

app.get('/health/live', (req, res) => res.send('ok'));

app.listen(3000, () => {
  console.log('listening on 3000');
});
