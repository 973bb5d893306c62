namespace Fillwise.Telemetry;

/// <summary>
/// Schema migrations, applied in order and recorded in PRAGMA user_version (SQLite) or the fillwise_schema table
/// (PostgreSQL, with the column types mapped by <see cref="PostgresTarget.Ddl"/>). Money and quantities are TEXT
/// (exact decimals); statistics are REAL. Every row is keyed by (run_id, natural id), so a resumed replay can
/// write again what it wrote before the crash without duplicating it.
/// </summary>
internal static class Schema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, policy TEXT NOT NULL, seed INTEGER NOT NULL, inputs TEXT NOT NULL, mode TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL);
        CREATE TABLE parents (
            run_id TEXT NOT NULL, parent_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
            arrival_mid TEXT NOT NULL, quantity TEXT NOT NULL, source TEXT,
            risk_verdict TEXT NOT NULL, risk_reason TEXT NOT NULL, risk_scale REAL NOT NULL,
            policy TEXT, quality TEXT, maker_first INTEGER, taker_bias REAL, reason TEXT, maker_timeout_ms REAL,
            maker_offset_bps REAL, offset_regime_bps REAL, offset_slippage_bps REAL, offset_fallback_bps REAL, offset_fill_bps REAL, offset_expectancy_bps REAL,
            regime TEXT, regime_ratio REAL, symbol_score REAL,
            base_quantity TEXT, inverse_vol_factor REAL, sharpe_multiplier REAL, intel_size_factor REAL, risk_scale_factor REAL, final_size_factor REAL, lots INTEGER,
            PRIMARY KEY (run_id, parent_id));
        CREATE TABLE children (
            run_id TEXT NOT NULL, child_id INTEGER NOT NULL, parent_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, symbol TEXT NOT NULL,
            side TEXT NOT NULL, type TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL, PRIMARY KEY (run_id, child_id));
        CREATE TABLE fills (
            run_id TEXT NOT NULL, fill_id INTEGER NOT NULL, child_id INTEGER NOT NULL, parent_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
            symbol TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL, liquidity TEXT NOT NULL, fee TEXT NOT NULL,
            PRIMARY KEY (run_id, fill_id));
        CREATE TABLE results (
            run_id TEXT NOT NULL, parent_id INTEGER NOT NULL, completed_ns INTEGER NOT NULL, symbol TEXT NOT NULL, filled_quantity TEXT NOT NULL,
            average_price TEXT NOT NULL, fees TEXT NOT NULL, cost_bps REAL, fees_bps REAL, maker_fill_ratio REAL, used_fallback INTEGER NOT NULL,
            post_only_rejects INTEGER NOT NULL, errored INTEGER NOT NULL, time_to_fill_ms REAL, PRIMARY KEY (run_id, parent_id));
        CREATE TABLE health (
            run_id TEXT NOT NULL, time_ns INTEGER NOT NULL, symbol TEXT NOT NULL, enabled INTEGER NOT NULL,
            quality TEXT NOT NULL, maker_first INTEGER NOT NULL, taker_bias REAL NOT NULL, reason TEXT NOT NULL,
            maker_offset_bps REAL NOT NULL, offset_regime_bps REAL, offset_slippage_bps REAL, offset_fallback_bps REAL, offset_fill_bps REAL, offset_expectancy_bps REAL,
            intel_size_factor REAL NOT NULL, final_size_factor REAL NOT NULL, regime TEXT NOT NULL, regime_ratio REAL,
            score REAL, score_sharpe REAL, score_regime REAL, score_router REAL, score_fees REAL, score_drawdown REAL,
            orders INTEGER NOT NULL, maker_fill_ratio REAL, fallback_ratio REAL, post_only_reject_rate REAL, slippage_p50_bps REAL, slippage_p75_bps REAL,
            error_rate REAL, latency_p95_ms REAL, mean_time_to_fill_ms REAL,
            position TEXT NOT NULL, parents INTEGER NOT NULL, denied INTEGER NOT NULL, drawdown REAL NOT NULL,
            PRIMARY KEY (run_id, time_ns, symbol));
        CREATE TABLE toggles (symbol TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated TEXT NOT NULL);
        CREATE INDEX results_symbol ON results (run_id, symbol);
        """,
        // v2: round-trip trades (flat to flat), the input of the hourly expectancy map.
        """
        CREATE TABLE round_trips (
            run_id TEXT NOT NULL, seq INTEGER NOT NULL, closed_ns INTEGER NOT NULL, symbol TEXT NOT NULL, entry_ms INTEGER NOT NULL,
            net_return_bps REAL, PRIMARY KEY (run_id, seq));
        """,
        // v3: indexes for the dashboard's "latest per symbol" and "newest run" queries.
        """
        CREATE INDEX health_symbol_time ON health (run_id, symbol, time_ns);
        CREATE INDEX health_time ON health (time_ns);
        """,
        // v4: the Firestore mirror's status in each health snapshot (NULL when no mirror runs).
        """
        ALTER TABLE health ADD COLUMN mirror_drops INTEGER;
        ALTER TABLE health ADD COLUMN mirror_commits INTEGER;
        ALTER TABLE health ADD COLUMN mirror_retries INTEGER;
        ALTER TABLE health ADD COLUMN mirror_failures INTEGER;
        ALTER TABLE health ADD COLUMN mirror_last_success TEXT;
        ALTER TABLE health ADD COLUMN mirror_last_error TEXT;
        ALTER TABLE health ADD COLUMN mirror_circuit_open INTEGER;
        """,
        // v5: the input's data quality with each run (malformed lines, order-book gaps), so a stored result says what it was computed from.
        """
        ALTER TABLE runs ADD COLUMN data_errors INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN book_gaps INTEGER NOT NULL DEFAULT 0;
        """,
        // v6: what the policy predicted for the action it chose (NULL when it predicts nothing, and on rows written before v6),
        // so calibration can be shown for a stored run.
        """
        ALTER TABLE parents ADD COLUMN predicted_fill REAL;
        ALTER TABLE parents ADD COLUMN expected_cost_bps REAL;
        """,
    ];
}
