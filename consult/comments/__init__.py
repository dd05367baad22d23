"""Comment threads beside every section and objective."""
