// @ts-check

/**
 * Incidents and their timelines.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_incidents', table => {
    table.comment('Correlated signals about one failure of one entity');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref').notNullable().comment('The entity that fails');
    table
      .string('fingerprint')
      .notNullable()
      .comment('Dedup key of the signals correlated into this incident');
    table
      .string('open_key')
      .nullable()
      .unique()
      .comment(
        'entity_ref and fingerprint while not resolved, else null: at most one open incident per failure',
      );
    table.text('title').notNullable();
    table.string('layer', 16).notNullable();
    table.string('tier', 16).notNullable();
    table.string('status', 16).notNullable();
    table.string('severity', 16).notNullable();
    table.text('blast_radius').nullable().comment('JSON list of entity refs');
    table.timestamp('opened_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(['entity_ref', 'opened_at'], 'ops_incidents_entity_idx');
    table.index(['status', 'opened_at'], 'ops_incidents_status_idx');
  });

  await knex.schema.createTable('ops_incident_events', table => {
    table.comment(
      'The timeline of an incident: one row per thing that happened',
    );
    table.bigIncrements('id').primary();
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('ops_incidents')
      .onDelete('CASCADE');
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('type', 32).notNullable();
    table.string('actor').nullable();
    table.text('message').notNullable();
    table.text('data').nullable().comment('JSON details');
    table.index(['incident_id', 'id'], 'ops_incident_events_incident_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_incident_events');
  await knex.schema.dropTable('ops_incidents');
};
