"""Publishing as a transaction: lock, verification of the new site, swap, rollback."""
