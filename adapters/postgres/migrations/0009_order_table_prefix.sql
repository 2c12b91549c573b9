-- The orders table takes the order_ prefix the other order tables
-- (order_lines, order_history) and every other Mercato table have, so it
-- cannot clash with a host's own "orders" in a shared schema. Its indexes
-- and its identity sequence are relations in the same namespace, so they
-- take the prefix too (renaming an index renames the constraint it backs).
-- Only relations that belong to the table are touched, whatever earlier
-- migrations named them.

ALTER TABLE orders RENAME TO order_orders;

DO $$
DECLARE
    rel record;
BEGIN
    FOR rel IN
        SELECT c.relname, c.relkind
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = 'order_orders'::regclass AND c.relname LIKE 'orders\_%'
        UNION ALL
        SELECT c.relname, c.relkind
        FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
        WHERE d.refobjid = 'order_orders'::regclass AND c.relkind = 'S' AND c.relname LIKE 'orders\_%'
    LOOP
        EXECUTE format('ALTER %s %I RENAME TO %I',
            CASE rel.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'INDEX' END, rel.relname, 'order_' || rel.relname);
    END LOOP;
END
$$;
