// A one-off script that fills a development database; it never runs in the server.
const rows = [{ id: 1 }, { id: 2 }];
console.log(`seeded ${rows.length} rows`);
