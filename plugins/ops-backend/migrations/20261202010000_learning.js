// @ts-check

/**
 * The learning loop: structured resolutions of incidents with their
 * signatures and action keys (grouped in SQL to find what repeats), runbook
 * drafts under review, runbooks kept in the database (a row per version),
 * and when each runbook last matched (to flag stale ones).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_resolutions', table => {
    table.comment('How a person resolved an incident: one per incident');
    table
      .string('incident_id', 36)
      .primary()
      .notNullable()
      .comment('No foreign key: the learning loop keeps its own tables');
    table.string('entity_ref').notNullable();
    table.string('owner').nullable().comment('spec.owner of the entity then');
    table.string('tier', 16).nullable().comment('The tier of the incident');
    table
      .string('signature_key', 64)
      .notNullable()
      .comment('sha256 of the entity-scoped signature');
    table.text('signature').notNullable().comment('JSON: the signature');
    table
      .string('fleet_signature_key', 64)
      .nullable()
      .comment('sha256 of the type-scoped signature; null without spec.type');
    table.text('fleet_signature').nullable().comment('JSON');
    table.string('cause', 32).notNullable();
    table.text('actions').notNullable().comment('JSON: the actions as sent');
    table
      .text('normalised_actions')
      .notNullable()
      .comment('JSON: the actions templated on the incident, keys sorted');
    table
      .string('actions_key', 64)
      .nullable()
      .comment(
        'sha256 of the normalised actions; null when not actionable (equivalent to nothing)',
      );
    table.boolean('not_actionable').notNullable().defaultTo(false);
    table.text('notes').nullable();
    table.string('resolved_by').notNullable();
    table.timestamp('resolved_at', { useTz: true }).notNullable();
    table.float('minutes_to_resolve').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.index(
      ['signature_key', 'actions_key', 'recorded_at'],
      'ops_resolutions_signature_idx',
    );
    table.index(
      ['fleet_signature_key', 'actions_key', 'entity_ref'],
      'ops_resolutions_fleet_idx',
    );
    table.index(['entity_ref', 'resolved_at'], 'ops_resolutions_entity_idx');
  });

  await knex.schema.createTable('ops_runbook_drafts', table => {
    table.comment(
      'Runbooks drafted from resolutions that repeat, one per signature and action set',
    );
    table.string('id', 36).primary().notNullable();
    table.string('runbook_id', 100).notNullable();
    table.string('signature_key', 64).notNullable();
    table.string('actions_key', 64).notNullable();
    table.string('scope', 8).notNullable().comment('entity or type');
    table.text('signature').notNullable().comment('JSON');
    table
      .string('entity_ref')
      .notNullable()
      .comment('The entity of the latest resolution it was drafted from');
    table.string('owner').notNullable().comment('Who reviews it');
    table.string('status', 16).notNullable();
    table.text('runbook').notNullable().comment('JSON: the drafted runbook');
    table
      .text('provenance')
      .notNullable()
      .comment('JSON: incident ids, normalised actions, entities');
    table.text('manual_steps').notNullable().comment('JSON list of strings');
    table.text('reason').nullable();
    table.timestamp('snoozed_until', { useTz: true }).nullable();
    table.string('decided_by').nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    // Replicas that see the third resolution at once draft it once.
    table.unique(['signature_key', 'actions_key'], {
      indexName: 'ops_runbook_drafts_group_unique',
    });
    table.index(['status', 'owner'], 'ops_runbook_drafts_status_idx');
  });

  await knex.schema.createTable('ops_runbook_draft_entities', table => {
    table.comment('The entities a draft was seen on (several when fleet-wide)');
    table
      .string('draft_id', 36)
      .notNullable()
      .references('id')
      .inTable('ops_runbook_drafts')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.primary(['draft_id', 'entity_ref']);
    table.index(['entity_ref'], 'ops_runbook_draft_entities_entity_idx');
  });

  await knex.schema.createTable('ops_stored_runbooks', table => {
    table.comment(
      'Runbooks kept in the database, a row per version; the highest is current',
    );
    table.string('runbook_id', 100).notNullable();
    table.integer('version').notNullable();
    table.string('lifecycle', 16).notNullable();
    table.text('runbook').notNullable().comment('JSON: the runbook');
    table.string('owner').notNullable();
    table
      .string('entity_ref')
      .nullable()
      .comment('The entity it was drafted for');
    table.string('draft_id', 36).nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['runbook_id', 'version']);
  });

  await knex.schema.createTable('ops_runbook_usage', table => {
    table.comment(
      'When each runbook was first seen, last matched, flagged stale',
    );
    table.string('runbook_id', 100).primary().notNullable();
    table.timestamp('first_seen_at', { useTz: true }).nullable();
    table.timestamp('last_matched_at', { useTz: true }).nullable();
    table
      .timestamp('stale_notified_at', { useTz: true })
      .nullable()
      .comment('When its owner was told it turned stale');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_runbook_usage');
  await knex.schema.dropTable('ops_stored_runbooks');
  await knex.schema.dropTable('ops_runbook_draft_entities');
  await knex.schema.dropTable('ops_runbook_drafts');
  await knex.schema.dropTable('ops_resolutions');
};
