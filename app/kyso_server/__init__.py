"""The reference document server Kyso syncs with."""
