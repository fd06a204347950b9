// @ts-check

/**
 * The ops agent: runs of runbooks with their steps, claimed with a lease and
 * a fencing ticket; circuit breakers per runbook and entity; and the signal
 * name and labels of each incident, which runbooks match on.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ops_incidents', table => {
    table
      .string('name')
      .nullable()
      .comment('Name of the signal that opened it (alert name, health:<layer>)');
    table
      .text('labels')
      .nullable()
      .comment('JSON object: labels of the signal that opened it');
  });

  await knex.schema.createTable('ops_runs', table => {
    table.comment('One execution of a runbook for one incident');
    table.string('id', 36).primary().notNullable();
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('ops_incidents')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.string('runbook_id', 100).notNullable();
    table.string('runbook_version', 64).notNullable();
    table
      .text('runbook')
      .notNullable()
      .comment('JSON: the runbook as it was when the run was created');
    table.string('agent_ref').nullable();
    table.string('status', 24).notNullable();
    table.boolean('dry_run').notNullable().defaultTo(false);
    table.text('reason').nullable();
    table.string('requested_by').nullable();
    table.string('decided_by').nullable();
    table
      .string('live_key')
      .nullable()
      .unique()
      .comment(
        'incident and runbook while a real run is unfinished, else null: one live run per incident and runbook',
      );
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .string('lease_owner')
      .nullable()
      .comment('The replica that holds the run');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment('Until when the holder may act; renewed while it runs');
    table
      .bigInteger('fencing')
      .notNullable()
      .defaultTo(0)
      .comment(
        'Incremented by every claim: writes of a holder whose ticket is stale are refused',
      );
    table.index(['incident_id', 'created_at'], 'ops_runs_incident_idx');
    table.index(
      ['entity_ref', 'runbook_id', 'created_at'],
      'ops_runs_runbook_idx',
    );
    table.index(['status', 'lease_expires_at'], 'ops_runs_status_idx');
  });

  await knex.schema.createTable('ops_run_steps', table => {
    table.comment('One step of a run: input (redacted), output, outcome');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('ops_runs')
      .onDelete('CASCADE');
    table.string('step_id', 64).notNullable();
    table.string('phase', 16).notNullable();
    table.integer('ordinal').notNullable();
    table.string('action', 200).notNullable();
    table.string('name', 200).nullable();
    table.string('status', 16).notNullable();
    table.text('input').nullable().comment('JSON, secrets redacted');
    table.text('output').nullable().comment('JSON, secrets redacted');
    table.text('error').nullable();
    table.string('idempotency_key').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('duration_ms').nullable();
    table.primary(['run_id', 'step_id']);
  });

  await knex.schema.createTable('ops_runbook_breakers', table => {
    table.comment('Circuit breaker of one runbook for one entity');
    table.string('entity_ref').notNullable();
    table.string('runbook_id', 100).notNullable();
    table.integer('consecutive_failures').notNullable().defaultTo(0);
    table
      .timestamp('opened_at', { useTz: true })
      .nullable()
      .comment('When the breaker tripped; null while closed');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'runbook_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_runbook_breakers');
  await knex.schema.dropTable('ops_run_steps');
  await knex.schema.dropTable('ops_runs');
  await knex.schema.alterTable('ops_incidents', table => {
    table.dropColumn('labels');
    table.dropColumn('name');
  });
};
