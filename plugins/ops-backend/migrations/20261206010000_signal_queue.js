// @ts-check

/**
 * Signals waiting to be processed get an index of their own. Processing
 * claims the oldest routed, unprocessed signals; with an index over every
 * signal's processed_at, SQLite walks the whole table in id order to find
 * them (most rows are long processed), and each claim grew with the table.
 * A partial index holds only the waiting rows, so a claim reads those alone
 * and every write of a processed row leaves the index untouched.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ops_signals', table => {
    table.dropIndex(['processed_at'], 'ops_signals_processed_idx');
    table.index(['id'], 'ops_signals_waiting_idx', {
      predicate: knex.whereNull('processed_at').whereNotNull('entity_ref'),
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ops_signals', table => {
    table.dropIndex(['id'], 'ops_signals_waiting_idx');
    table.index(['processed_at'], 'ops_signals_processed_idx');
  });
};
