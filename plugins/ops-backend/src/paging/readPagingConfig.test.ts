import { ConfigReader } from '@backstage/config';
import { PAGERDUTY_EVENTS_URL, readPagingConfig } from './readPagingConfig';

const read = (data: object) => readPagingConfig(new ConfigReader(data));

describe('readPagingConfig', () => {
  it('defaults to notifications only, Monday to Friday 09:00-17:00 UTC', () => {
    expect(read({})).toEqual({
      webhooks: [],
      workingHours: {
        timeZone: 'UTC',
        days: [1, 2, 3, 4, 5],
        start: 540,
        end: 1020,
      },
      timeoutMs: 10_000,
    });
  });

  it('reads PagerDuty, webhooks, working hours, the timeout and the base URL', () => {
    expect(
      read({
        app: { baseUrl: 'https://portal.example.com/' },
        ops: {
          paging: {
            pagerDuty: { routingKey: ' R0UT1NG ' },
            webhooks: [
              {
                url: 'https://hooks.example.com/a',
                headers: { Authorization: 'Bearer x' },
              },
              { url: 'https://hooks.example.com/b' },
              { url: 'http://127.0.0.1:9000/page' },
            ],
            workingHours: {
              timezone: 'Europe/Berlin',
              days: ['Mon', 'Tue', 'Thu'],
              start: '08:00',
              end: '16:30',
            },
            timeout: '3s',
          },
        },
      }),
    ).toEqual({
      appBaseUrl: 'https://portal.example.com',
      pagerDuty: { routingKey: 'R0UT1NG', url: PAGERDUTY_EVENTS_URL },
      webhooks: [
        {
          url: 'https://hooks.example.com/a',
          headers: { Authorization: 'Bearer x' },
          channel: 'webhook:hooks.example.com',
        },
        {
          url: 'https://hooks.example.com/b',
          headers: {},
          channel: 'webhook:hooks.example.com#2',
        },
        {
          url: 'http://127.0.0.1:9000/page',
          headers: {},
          channel: 'webhook:127.0.0.1:9000',
        },
      ],
      workingHours: {
        timeZone: 'Europe/Berlin',
        days: [1, 2, 4],
        start: 480,
        end: 990,
      },
      timeoutMs: 3000,
    });
  });

  it('takes days written like the annotation, and defaults the rest', () => {
    expect(
      read({ ops: { paging: { workingHours: { days: 'Sun-Thu' } } } })
        .workingHours,
    ).toEqual({
      timeZone: 'UTC',
      days: [0, 1, 2, 3, 4],
      start: 540,
      end: 1020,
    });
  });

  it('takes a PagerDuty URL of its own', () => {
    expect(
      read({
        ops: {
          paging: {
            pagerDuty: {
              routingKey: 'k',
              url: 'http://127.0.0.1:8080/v2/enqueue',
            },
          },
        },
      }).pagerDuty,
    ).toEqual({ routingKey: 'k', url: 'http://127.0.0.1:8080/v2/enqueue' });
  });

  it.each([
    [
      { pagerDuty: { url: 'https://x.example.com' } },
      /ops\.paging\.pagerDuty\.routingKey/,
    ],
    [
      { pagerDuty: { routingKey: '  ' } },
      /'ops\.paging\.pagerDuty\.routingKey': is empty/,
    ],
    [
      { pagerDuty: { routingKey: 'k', url: 'not a url' } },
      /'ops\.paging\.pagerDuty\.url': "not a url" is not a URL/,
    ],
    [
      { webhooks: [{ url: 'ftp://files.example.com' }] },
      /'ops\.paging\.webhooks\[0\]\.url': "ftp:\/\/files\.example\.com" is not an http or https URL/,
    ],
    [{ webhooks: [{ headers: {} }] }, /ops\.paging\.webhooks\[0\]\.url/],
    [
      {
        webhooks: [{ url: 'https://h.example.com', headers: { 'X-Count': 3 } }],
      },
      /ops\.paging\.webhooks\[0\]\.headers\.X-Count/,
    ],
    [{ webhooks: { url: 'https://h.example.com' } }, /ops\.paging\.webhooks/],
    [
      { workingHours: { timezone: 'Mars/Olympus' } },
      /'ops\.paging\.workingHours': "Mars\/Olympus" is not a time zone/,
    ],
    [
      { workingHours: { start: '9am' } },
      /'ops\.paging\.workingHours': "9am" is not a time of day/,
    ],
    [
      { workingHours: { days: 'Weekdays' } },
      /'ops\.paging\.workingHours': "Weekdays" is not a day/,
    ],
    [
      { workingHours: { days: [1, 2] } },
      /'ops\.paging\.workingHours\.days': expected days like/,
    ],
    [{ timeout: 'soon' }, /'ops\.paging\.timeout'.*expected a duration/],
  ])('rejects %j', (paging, message) => {
    expect(() => read({ ops: { paging } })).toThrow(message);
  });
});
