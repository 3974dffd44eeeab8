-- The droplet aggregate remembers the status a droplet had before DESTROYING, so that an
-- abandoned destroy (its job cancelled or failed) restores exactly that status. The read
-- model now folds the aggregate's own state, so the row keeps it too. Rows written before
-- this column existed have NULL here; `clustergenie replay` fills it from the log.
ALTER TABLE droplets ADD COLUMN status_before_destroy TEXT;
