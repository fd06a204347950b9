// @ts-check

/**
 * The three-layer sensor: committed signals, routing rules made by hand,
 * health per entity and layer with its history, and who handled incidents.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_signals', table => {
    table.comment('Every committed signal: alerts, events and metric samples');
    table.bigIncrements('id').primary();
    table.string('source', 16).notNullable();
    table.string('layer', 16).notNullable();
    table.string('name').notNullable();
    table.text('labels').notNullable().comment('JSON object of string labels');
    table
      .string('status', 16)
      .nullable()
      .comment('firing or resolved; null for samples');
    table.double('value').nullable().comment('set for metric samples');
    table.string('fingerprint').notNullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.text('summary').nullable();
    table.string('severity', 16).nullable();
    table
      .string('entity_ref')
      .nullable()
      .comment('The entity it was routed to; null while unrouted');
    table.text('details').nullable().comment('JSON: source-specific details');
    table
      .timestamp('claimed_at', { useTz: true })
      .nullable()
      .comment('When a replica took it to process; a lease that expires');
    table
      .timestamp('processed_at', { useTz: true })
      .nullable()
      .comment('When incidents and health took it into account');
    table.index(
      ['entity_ref', 'name', 'observed_at'],
      'ops_signals_entity_idx',
    );
    table.index(['processed_at'], 'ops_signals_processed_idx');
  });

  await knex.schema.createTable('ops_routing_rules', table => {
    table.comment(
      'Label selectors that route signals to entities, made by hand',
    );
    table.bigIncrements('id').primary();
    table.string('selector', 1024).notNullable();
    table.string('entity_ref').notNullable();
    table.string('created_by').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['selector', 'entity_ref'], {
      indexName: 'ops_routing_rules_unique',
    });
  });

  await knex.schema.createTable('ops_health', table => {
    table.comment('Current health per entity and layer');
    table.string('entity_ref').notNullable();
    table.string('layer', 16).notNullable();
    table.string('state', 16).notNullable();
    table.text('reason').notNullable();
    table.timestamp('since', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'layer']);
  });

  await knex.schema.createTable('ops_health_history', table => {
    table.comment('Every health state change, for sparklines');
    table.bigIncrements('id').primary();
    table.string('entity_ref').notNullable();
    table.string('layer', 16).notNullable();
    table.string('state', 16).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'layer', 'at'], 'ops_health_history_idx');
  });

  await knex.schema.alterTable('ops_incidents', table => {
    table.string('acknowledged_by').nullable();
    table.string('resolved_by').nullable();
    table
      .string('owner')
      .nullable()
      .comment('spec.owner of the entity when opened');
    table.index(['owner', 'opened_at'], 'ops_incidents_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ops_incidents', table => {
    table.dropIndex(['owner', 'opened_at'], 'ops_incidents_owner_idx');
    table.dropColumn('acknowledged_by');
    table.dropColumn('resolved_by');
    table.dropColumn('owner');
  });
  await knex.schema.dropTable('ops_health_history');
  await knex.schema.dropTable('ops_health');
  await knex.schema.dropTable('ops_routing_rules');
  await knex.schema.dropTable('ops_signals');
};
