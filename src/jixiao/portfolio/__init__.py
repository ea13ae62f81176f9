"""The portfolio: importing whole inboxes into the database, and the bureau's reports over them."""
