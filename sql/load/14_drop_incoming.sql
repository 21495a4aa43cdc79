-- The night's rows were copied into the warehouse; their temporary copies go before the checkpoint.
DROP TABLE incoming_reports;
DROP TABLE incoming_cells;
DROP TABLE incoming_application_cells;
DROP TABLE incoming_checks;
DROP TABLE incoming_cells_dictionary;
