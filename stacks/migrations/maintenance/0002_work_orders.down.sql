DROP TABLE maintenance.work_orders;
DROP TYPE maintenance.work_order_status;
