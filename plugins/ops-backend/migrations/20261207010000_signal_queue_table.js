// @ts-check

/**
 * The signals waiting to be processed move from two columns of every signal
 * (claimed_at, processed_at, and a partial index over the waiting rows) to a
 * table of their own, holding one small row per waiting signal, deleted once
 * the signal is processed. Marking a signal processed used to write a new
 * version of its whole row on PostgreSQL, with new entries in every index of
 * ops_signals; it now deletes a row of two columns. The two columns of
 * ops_signals are no longer written; they keep what they held before.
 *
 * No foreign key: its check would run a query for every committed signal.
 * Signals are never deleted while they wait.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_signal_queue', table => {
    table.comment(
      'Signals routed and not yet processed; a row is deleted once processed',
    );
    table
      .bigInteger('signal_id')
      .primary()
      .comment('ops_signals.id; the queue is taken in id order');
    table
      .timestamp('claimed_at', { useTz: true })
      .nullable()
      .comment('When a replica took it to process; a lease that expires');
  });
  await knex.raw(
    `INSERT INTO ops_signal_queue (signal_id, claimed_at)
     SELECT id, claimed_at FROM ops_signals
     WHERE processed_at IS NULL AND entity_ref IS NOT NULL`,
  );
  await knex.schema.alterTable('ops_signals', table => {
    table.dropIndex(['id'], 'ops_signals_waiting_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // What was processed since the queue took over gets a processed_at.
  await knex('ops_signals')
    .whereNull('processed_at')
    .whereNotNull('entity_ref')
    .whereNotIn('id', knex('ops_signal_queue').select('signal_id'))
    .update({ processed_at: new Date() });
  await knex('ops_signals')
    .whereIn('id', knex('ops_signal_queue').select('signal_id'))
    .update({
      processed_at: null,
      claimed_at: knex('ops_signal_queue')
        .select('claimed_at')
        .where('signal_id', knex.ref('ops_signals.id')),
    });
  await knex.schema.alterTable('ops_signals', table => {
    table.index(['id'], 'ops_signals_waiting_idx', {
      predicate: knex.whereNull('processed_at').whereNotNull('entity_ref'),
    });
  });
  await knex.schema.dropTable('ops_signal_queue');
};
