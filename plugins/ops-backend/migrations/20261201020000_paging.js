// @ts-check

/**
 * Paging: every page sent for an incident, at most one per incident and
 * audience (the builder, or the escalation to platform and architects), and
 * whom each one reached.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_pages', table => {
    table.comment('Pages sent for incidents, one per incident and audience');
    table.string('id', 36).primary().notNullable();
    table
      .string('incident_id', 36)
      .notNullable()
      .comment(
        'The incident paged for (no foreign key: paging keeps its own tables)',
      );
    table.string('entity_ref').notNullable();
    table.string('audience', 16).notNullable().comment('builder or escalation');
    table.string('severity', 16).notNullable();
    table
      .text('channels')
      .notNullable()
      .comment(
        'JSON array of the channels that delivered the page; empty while sending',
      );
    table
      .boolean('off_hours')
      .notNullable()
      .comment('Whether it reached its recipients outside working hours');
    table.text('message').notNullable();
    table.timestamp('sent_at', { useTz: true }).notNullable();
    // The storm guard: a second page of the same incident to the same
    // audience, from any replica, fails to insert.
    table.unique(['incident_id', 'audience'], {
      indexName: 'ops_pages_incident_audience_unique',
    });
    table.index(['sent_at'], 'ops_pages_sent_at_idx');
    table.index(['entity_ref', 'sent_at'], 'ops_pages_entity_idx');
  });

  await knex.schema.createTable('ops_page_recipients', table => {
    table.comment('Whom each page reached: group or user entity refs');
    table
      .string('page_id', 36)
      .notNullable()
      .references('id')
      .inTable('ops_pages')
      .onDelete('CASCADE');
    table.string('recipient').notNullable();
    table.primary(['page_id', 'recipient']);
    table.index(['recipient'], 'ops_page_recipients_recipient_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_page_recipients');
  await knex.schema.dropTable('ops_pages');
};
