"""Performance rules: keep the event loop free and the database connections few."""
