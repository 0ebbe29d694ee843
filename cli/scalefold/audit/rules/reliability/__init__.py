"""Reliability rules: crash handling, graceful shutdown, health routes and the Node.js version."""
