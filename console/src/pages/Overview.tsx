import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { OverviewJson, OverviewSeriesJson, OverviewWindow } from '../../../src/admin-api/wire';
import { api, query } from '../api';
import { setSearch, useSearch } from '../router';
import { Alert, Badge, Link, errorText, formatTime } from '../ui';

/** Line colours, distinguishable with the common colour-vision deficiencies (Okabe–Ito). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const WINDOW_LABELS: Record<OverviewWindow, string> = { hour: 'Last hour', day: 'Last day' };
const BUCKET_LABELS: Record<OverviewWindow, string> = { hour: 'per minute', day: 'per 15 minutes' };

/** A line chart of counts over the window's buckets (uPlot, on a canvas); sized to its container. */
function TimeChart({ buckets, series, title }: { buckets: number[]; series: OverviewSeriesJson[]; title: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const width = () => Math.max(240, element.clientWidth);
    const chart = new uPlot(
      {
        title: undefined,
        width: width(),
        height: 200,
        scales: { x: { time: true }, y: { range: (_self, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] }],
        series: [{}, ...series.map((line, index) => ({ label: line.name, stroke: COLOURS[index % COLOURS.length], width: 2, points: { show: false } }))],
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
      },
      [buckets, ...series.map((line) => line.counts)],
      element,
    );
    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height: 200 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [buckets, series]);
  // The canvas is a picture of the table below it: screen readers read the table.
  return <div ref={container} className="overview-chart" aria-hidden="true" data-chart={title} />;
}

/** A chart with its text equivalent: a sentence and a table of totals and peaks per line. */
function ChartCard(props: { title: string; noun: string; empty: string; overview: OverviewJson; series: OverviewSeriesJson[] }) {
  const { overview, series } = props;
  const total = series.reduce((sum, line) => sum + line.total, 0);
  const window = WINDOW_LABELS[overview.window].toLowerCase();
  return (
    <section className="card overview-card" aria-labelledby={`chart-${props.noun}`}>
      <h2 id={`chart-${props.noun}`}>{props.title}</h2>
      {total === 0 ? (
        <p className="empty overview-empty">{props.empty}</p>
      ) : (
        <>
          <p className="overview-summary">
            {total} {props.noun} in the {window} ({BUCKET_LABELS[overview.window]} below): {series.map((line) => `${line.name} ${line.total}`).join(', ')}.
          </p>
          <TimeChart buckets={overview.buckets} series={series} title={props.noun} />
          <div className="table-wrap">
            <table className="overview-table">
              <caption className="visually-hidden">
                {props.title}, {window}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{props.noun === 'tokens issued' ? 'Grant type' : 'Event'}</th>
                  <th scope="col">Total</th>
                  <th scope="col">Busiest {overview.window === 'hour' ? 'minute' : '15 minutes'}</th>
                </tr>
              </thead>
              <tbody>
                {series.map((line) => {
                  const peak = Math.max(...line.counts);
                  const at = overview.buckets[line.counts.indexOf(peak)];
                  return (
                    <tr key={line.name}>
                      <th scope="row">
                        <code>{line.name}</code>
                      </th>
                      <td>{line.total}</td>
                      <td>
                        {peak} at {formatTime(at === undefined ? null : at * 1000)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Health({ health }: { health: OverviewJson['health'] }) {
  const feed = health.change_feed;
  const feedOk = !feed.failing && feed.listening !== false;
  return (
    <section className="card overview-card" aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      <dl className="overview-health">
        <div>
          <dt>Store ({health.store.engine === 'postgres' ? 'PostgreSQL' : 'embedded SQLite'})</dt>
          <dd>
            {health.store.available ? <Badge kind="on">answers</Badge> : <Badge kind="off">unavailable</Badge>}{' '}
            {health.store.query_ms !== null && <span className="hint">counted in {health.store.query_ms} ms</span>}
            {health.store.error && <span className="hint"> {health.store.error}</span>}
          </dd>
        </div>
        <div>
          <dt>Change feed</dt>
          <dd>
            {feedOk ? <Badge kind="on">up to date</Badge> : <Badge kind="warn">{feed.failing ? 'cannot read' : 'polling only'}</Badge>}{' '}
            <span className="hint">
              {feed.listening === null ? 'polls the store' : feed.listening ? 'listens for changes' : 'listening connection lost; polling'}; last read {formatTime(feed.last_read_at)}
              {feed.resync_pending ? '; caches will reload' : ''}
            </span>
          </dd>
        </div>
        <div>
          <dt>Audit writer</dt>
          <dd>
            {health.audit_queue.dropped === 0 ? <Badge kind="on">no events dropped</Badge> : <Badge kind="off">{health.audit_queue.dropped} events dropped</Badge>}{' '}
            <span className="hint">
              {health.audit_queue.queued} queued, {health.audit_queue.written} written since start
            </span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** The console's landing page: what the audit log counted over the last hour or day, and whether the store is well. */
export function Overview() {
  const search = useSearch();
  const window: OverviewWindow = search.get('window') === 'day' ? 'day' : 'hour';
  const [overview, setOverview] = useState<OverviewJson | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api<OverviewJson>('GET', `/overview${query({ window })}`).then(
      (found) => current && (setOverview(found), setError(null)),
      (failure: unknown) => current && setError(errorText(failure)),
    );
    return () => {
      current = false;
    };
  }, [window]);

  const reasons = overview?.refusal_reasons ?? [];
  const clients = overview?.busiest_clients ?? [];
  const maxReason = Math.max(1, ...reasons.map((row) => row.count));
  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Overview</h1>
        <div className="segmented" role="group" aria-label="Time window">
          {(['hour', 'day'] as const).map((choice) => (
            <button
              key={choice}
              type="button"
              className={choice === window ? '' : 'button-secondary'}
              aria-pressed={choice === window}
              onClick={() => setSearch({ window: choice === 'hour' ? undefined : choice })}
            >
              {WINDOW_LABELS[choice]}
            </button>
          ))}
        </div>
      </div>
      <p className="lead">
        Counted from the <Link to="/audit">audit events</Link>
        {overview ? ` from ${formatTime(overview.from)} to ${formatTime(overview.to)}` : ''}.
      </p>
      {error && <Alert kind="error">{error}</Alert>}
      {overview && !overview.counted && <Alert kind="error">The store could not be read; the counts are missing. {overview.health.store.error}</Alert>}
      {overview && (
        <div className="overview-grid">
          <ChartCard title="Tokens issued by grant type" noun="tokens issued" empty="No tokens issued in this window." overview={overview} series={overview.tokens_issued} />
          <ChartCard title="Refused requests" noun="refused requests" empty="No refused requests in this window." overview={overview} series={overview.refused} />
          <ChartCard title="Sign-in failures" noun="sign-in failures" empty="No failed sign-ins in this window." overview={overview} series={overview.sign_in_failures} />
          <section className="card overview-card" aria-labelledby="reasons-title">
            <h2 id="reasons-title">Refusals by reason</h2>
            {reasons.length === 0 ? (
              <p className="empty overview-empty">Nothing refused in this window.</p>
            ) : (
              <table className="overview-table">
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {reasons.map((row) => (
                    <tr key={row.reason}>
                      <th scope="row">
                        <code>{row.reason}</code>
                      </th>
                      <td className="overview-count">
                        <meter min={0} max={maxReason} value={row.count} aria-hidden="true" /> {row.count}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card overview-card" aria-labelledby="clients-title">
            <h2 id="clients-title">Busiest clients</h2>
            {clients.length === 0 ? (
              <p className="empty overview-empty">No token requests in this window.</p>
            ) : (
              <table className="overview-table">
                <thead>
                  <tr>
                    <th scope="col">Client</th>
                    <th scope="col">Issued</th>
                    <th scope="col">Refused</th>
                  </tr>
                </thead>
                <tbody>
                  {clients.map((row) => (
                    <tr key={row.client_id}>
                      <th scope="row">
                        <Link to={`/audit?client_id=${encodeURIComponent(row.client_id)}`} className="ident">
                          {row.client_id}
                        </Link>
                      </th>
                      <td>{row.issued}</td>
                      <td>{row.refused}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <Health health={overview.health} />
        </div>
      )}
    </section>
  );
}
