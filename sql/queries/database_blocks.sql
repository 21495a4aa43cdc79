-- Blocks of the connection's own database file, and how many of them hold nothing.
SELECT total_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database();
