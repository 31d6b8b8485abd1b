using System.CommandLine;
using System.Text.Json;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// <c>shelfbook bench [scenario…] [--quick] [--json file] [--report file.md [--report-postgres connection]]</c>: runs the
/// measured scenarios of the issues against a fresh tenant on the real web host and prints one line per figure,
/// <c>name: value unit</c>. <c>--report</c> runs them on SQLite (and on PostgreSQL when given) and writes
/// docs/benchmarks.md (<see cref="BenchReport"/>). Build it in Release.
/// </summary>
public static class BenchCommand
{
    /// <summary>
    /// The scenarios, in the order they run whatever order they are named in: channels last, since the platform orders its
    /// sync stores would otherwise be taken in by the orders scenario's intake (which measures its own 100,000).
    /// </summary>
    public static readonly string[] Scenarios = ["catalog", "inventory", "orders", "fulfillment", "sweep", "channels"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Build(Option<string?> provider, Option<string?> connection)
    {
        var scenarios = new Argument<string[]>("scenario") { Description = "Scenarios to run (default: all): " + string.Join(", ", Scenarios), Arity = ArgumentArity.ZeroOrMore };
        var quick = new Option<bool>("--quick") { Description = "A short run (a tenth of the sizes) that checks every scenario works" };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file" };
        var report = new Option<string?>("--report") { Description = "Run on SQLite (and on PostgreSQL with --report-postgres) and write the report (docs/benchmarks.md)" };
        var reportPostgres = new Option<string?>("--report-postgres") { Description = "The PostgreSQL connection string the report's second run uses" };
        var command = new Command("bench", "Measure Shelfbook: one line per figure (name: value unit)")
        {
            scenarios, quick, json, report, reportPostgres, Double11Command.Build(provider, connection),
        };
        command.SetAction(async (parse, ct) =>
        {
            var named = parse.GetValue(scenarios) ?? [];
            var chosen = named.Length > 0 ? Scenarios.Where(named.Contains).ToArray() : Scenarios;
            var unknown = named.Except(Scenarios).ToList();
            if (unknown.Count > 0)
            {
                await Console.Error.WriteLineAsync($"Unknown scenario: {string.Join(", ", unknown)} (known: {string.Join(", ", Scenarios)})");
                return 1;
            }
            if (parse.GetValue(reportPostgres) is not null && parse.GetValue(report) is null)
            {
                await Console.Error.WriteLineAsync("--report-postgres goes with --report.");
                return 1;
            }
#if DEBUG
            Console.WriteLine("note: a Debug build; measure with -c Release");
#endif
            var isQuick = parse.GetValue(quick);
            if (parse.GetValue(report) is { } reportPath)
            {
                var onSqlite = await RunAsync("Sqlite", null, chosen, isQuick, ct);
                var postgresConnection = parse.GetValue(reportPostgres);
                var onPostgres = postgresConnection is null ? null : await RunAsync("Postgres", postgresConnection, chosen, isQuick, ct);
                var machine = BenchMachine.Here(Path.GetTempPath(), await SqliteVersionAsync(ct), postgresConnection is null ? null : await PostgresVersionAsync(postgresConnection, ct));
                // The crash runs' and double-11 replays' sections (shelfbook crash --report, bench double11 --report) are kept.
                var crash = ReportSections.Kept(File.Exists(reportPath) ? await File.ReadAllTextAsync(reportPath, ct) : null);
                await File.WriteAllTextAsync(reportPath, BenchReport.Markdown(machine, chosen, isQuick, onSqlite, onPostgres) + (crash.Length > 0 ? "\n" + crash + "\n" : ""), ct);
                Console.WriteLine($"report: {reportPath}");
                if (parse.GetValue(json) is { } both)
                    await File.WriteAllTextAsync(both, JsonSerializer.Serialize(new { sqlite = onSqlite, postgres = onPostgres }, Indented), ct);
                return 0;
            }
            var figures = await RunAsync(parse.GetValue(provider), parse.GetValue(connection), chosen, isQuick, ct);
            if (parse.GetValue(json) is { } path)
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(figures, Indented), ct);
            return 0;
        });
        return command;
    }

    /// <summary>The chosen scenarios against one fresh tenant, each figure printed as it comes.</summary>
    public static async Task<List<BenchFigure>> RunAsync(string? provider, string? connection, IReadOnlyList<string> chosen, bool quick, CancellationToken ct)
    {
        var figures = new List<BenchFigure>();
        void Report(string name, double value, string unit)
        {
            var figure = new BenchFigure(name, value, unit);
            Console.WriteLine($"{name}: {BenchReport.Value(figure)} {unit}");
            figures.Add(figure);
        }
        await using var host = await BenchHost.StartAsync(provider, connection, ct);
        Console.WriteLine($"bench: database {host.Database}, tenant {host.Tenant.Value}, {Environment.ProcessorCount} cores{(quick ? ", quick" : "")}");
        foreach (var scenario in chosen)
            if (scenario == "catalog") await CatalogBench.RunAsync(host, quick, Report, ct);
            else if (scenario == "inventory") await InventoryBench.RunAsync(host, quick, Report, ct);
            else if (scenario == "channels") await ChannelsBench.RunAsync(host, quick, Report, ct);
            else if (scenario == "orders") await OrdersBench.RunAsync(host, quick, Report, ct);
            else if (scenario == "fulfillment") await FulfillmentBench.RunAsync(host, quick, Report, ct);
            else if (scenario == "sweep") await SweepBench.RunAsync(host, quick, Report, ct);
        return figures;
    }

    private static async Task<string> SqliteVersionAsync(CancellationToken ct)
    {
        await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        await sqlite.OpenAsync(ct);
        await using var command = sqlite.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<string> PostgresVersionAsync(string connection, CancellationToken ct)
    {
        await using var postgres = new Npgsql.NpgsqlConnection(connection);
        await postgres.OpenAsync(ct);
        await using var command = postgres.CreateCommand();
        command.CommandText = "SHOW server_version";
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
