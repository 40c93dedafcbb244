/**
 * Daily page views for a small site: raw events per day, a per-day summary, and a running total
 * that reads its own previous day. Backfill it with
 * `npx stratum backfill start "*" --defs examples/partitioned/defs.ts --from 2024-01-01 --to 2024-03-31`.
 */
import { asset, dailyPartitions, Definitions, previousPartition, schedule, timeWindowMapping, upstream } from 'stratum';

const days = dailyPartitions({ start: '2024-01-01', end: '2025-01-01' });

/** A deterministic stand-in for a day's page views (a real asset would query a log store). */
function viewsOn(day: string): number {
  let hash = 0;
  for (const char of day) hash = (hash * 31 + char.charCodeAt(0)) % 997;
  return 500 + hash;
}

/** Raw page views of one day. */
export const pageViews = asset({ key: 'web/page_views', group: 'web', partitions: days }, (_, ctx) => {
  const views = viewsOn(ctx.partitionKey!);
  ctx.addOutputMetadata({ views, window: `${ctx.partitionTimeWindow!.start.toISOString()}..${ctx.partitionTimeWindow!.end.toISOString()}` });
  return { day: ctx.partitionKey!, views };
});

/** Views of the day and the day before, side by side. */
export const dailySummary = asset(
  {
    key: 'web/daily_summary',
    group: 'web',
    partitions: days,
    ins: { today: pageViews, yesterday: upstream(pageViews, timeWindowMapping({ startOffset: -1, endOffset: -1 })) },
  },
  ({ today, yesterday }) => ({ day: today.day, views: today.views, change: yesterday ? today.views - yesterday.views : null }),
);

/** One day of the running total. */
interface CumulativeViews {
  day: string;
  total: number;
}

/**
 * Views since the start: reads its own previous day (`previousPartition()`, null on the first
 * day), so a backfill runs these days in order. With an `output` zod schema the type argument
 * can be left out: the previous value is typed by the schema.
 */
export const cumulativeViews = asset(
  {
    key: 'web/cumulative_views',
    group: 'web',
    partitions: days,
    ins: { today: pageViews, previous: previousPartition<CumulativeViews>() },
  },
  ({ today, previous }): CumulativeViews => ({ day: today.day, total: (previous?.total ?? 0) + today.views }),
);

/**
 * Every day just after midnight UTC, the day that just ended (the tick's nominal time picks it, so
 * late ticks and `stratum schedule backfill web_daily --from 2024-03-01 --to 2024-03-07` run the
 * right days). Created paused by `stratum deploy`.
 */
export const webDaily = schedule({ name: 'web_daily', selection: 'group:web', partitioned: true, defaultStatus: 'stopped' });

export default new Definitions({ assets: [pageViews, dailySummary, cumulativeViews], schedules: [webDaily] });
