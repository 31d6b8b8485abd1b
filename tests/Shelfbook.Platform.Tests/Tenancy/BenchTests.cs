using System.Text.Json;
using Shelfbook.Cli;
using Shelfbook.Cli.Bench;

namespace Shelfbook.Platform.Tests.Tenancy;

/// <summary>
/// <c>shelfbook bench --quick</c>, every scenario on SQLite, as CI runs it: a scenario that breaks is noticed here (its
/// times are not checked; a Debug build under test is no place to measure).
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed class BenchTests
{
    [Fact]
    public async Task Every_bench_scenario_runs_in_its_quick_form_and_writes_its_figures()
    {
        var json = Path.Combine(Path.GetTempPath(), "shelfbook-bench-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        var (output, errors) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        int exit;
        try
        {
            exit = await ShelfbookCommands.Build().Parse(["bench", "--quick", "--json", json]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
        Assert.True(exit == 0, $"{output}\n{errors}");
        var figures = JsonSerializer.Deserialize<List<BenchFigure>>(await File.ReadAllTextAsync(json), JsonSerializerOptions.Web)!;
        File.Delete(json);
        foreach (var scenario in BenchCommand.Scenarios)
            Assert.True(figures.Any(f => f.Name.StartsWith(scenario + ".", StringComparison.Ordinal)), $"{scenario} printed no figure:\n{output}");
        // Every figure printed is in the file, and the runs that check the ledger found it whole.
        Assert.Equal(figures.Count, output.ToString().Split('\n').Count(l => figures.Any(f => l.StartsWith(f.Name + ": ", StringComparison.Ordinal))));
        Assert.All(figures.Where(f => f.Name.EndsWith("drifts", StringComparison.Ordinal)), f => Assert.Equal(0, f.Value));
        Assert.Contains(figures, f => f.Name == "fulfillment.ship.orders" && f.Value == 10_000);
    }

    /// <summary>
    /// <c>shelfbook bench double11</c> in a small form on each database: a sandbox process, four shops on four platforms,
    /// every stage from sync to write-back. The run itself fails unless every order ships, the ledger verifies and the
    /// sandbox accepted one confirmation per order with its number; here its figures are checked to be there and sane.
    /// </summary>
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task The_double11_replay_runs_every_stage_and_prints_its_figures(string database)
    {
        var postgres = Environment.GetEnvironmentVariable(Shelfbook.TestKit.ShelfbookApp.PostgresVariable);
        if (database == "Postgres")
            Shelfbook.TestKit.CiGuard.SkipUnlessAvailable(string.IsNullOrWhiteSpace(postgres)
                ? $"PostgreSQL tests need a connection string in {Shelfbook.TestKit.ShelfbookApp.PostgresVariable} (.ci/run sets it up)." : null);
        var json = Path.Combine(Path.GetTempPath(), "shelfbook-d11-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        var report = Path.ChangeExtension(json, ".md");
        await File.WriteAllTextAsync(report, "# Benchmarks\n\nfigures\n", TestContext.Current.CancellationToken);
        var (output, errors) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        int exit;
        try
        {
            string[] args = ["bench", "double11", "--orders", "1500", "--shops", "4", "--skus", "500", "--json", json, "--report", report];
            if (database == "Postgres") args = [.. args, "--provider", "Postgres", "--connection", postgres!];
            exit = await ShelfbookCommands.Build().Parse(args).InvokeAsync();
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
        try
        {
            Assert.True(exit == 0, $"{output}\n{errors}");
            var figures = JsonSerializer.Deserialize<List<BenchFigure>>(await File.ReadAllTextAsync(json), JsonSerializerOptions.Web)!.ToDictionary(f => f.Name, f => f.Value);
            foreach (var stage in new[] { "sync", "intake_audit", "waves", "waybills", "ship", "write_back" })
            {
                Assert.True(figures[$"double11.{stage}.rate"] > 0, stage);
                Assert.True(figures[$"double11.{stage}.statements_per_order"] > 0, stage);
            }
            // Every order synced, audited, shipped and confirmed; the Douyin shop's through the third-party warehouse, not in a wave.
            foreach (var stage in new[] { "sync", "intake_audit", "ship", "write_back", "end_to_end" }) Assert.Equal(1500, figures[$"double11.{stage}.orders"]);
            Assert.InRange(figures["double11.waves.orders"], 1000, 1499);
            Assert.True(figures["double11.latency.paid_to_audited_p95"] >= figures["double11.latency.paid_to_audited_p50"]);
            Assert.InRange(figures["double11.intake_audit.ratio_to_ceiling"], 0.1, 1000);
            var text = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
            Assert.StartsWith("# Benchmarks\n\nfigures", text, StringComparison.Ordinal);
            Assert.Contains($"## Double-11 replay on {(database == "Postgres" ? "PostgreSQL" : "SQLite")}", text, StringComparison.Ordinal);
            Assert.Contains("| `double11.end_to_end.orders` | 1500 | orders |", text, StringComparison.Ordinal);
            Assert.Contains("double11", ReportSections.Kept(text), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
            File.Delete(report);
        }
    }

    [Fact]
    public async Task Double11_refuses_bad_options_naming_each()
    {
        var errors = new StringWriter();
        var oldError = Console.Error;
        Console.SetError(errors);
        int exit;
        try
        {
            exit = await ShelfbookCommands.Build().Parse(["bench", "double11", "--orders", "0", "--skus", "5", "--fault-rate", "0.9"]).InvokeAsync();
        }
        finally
        {
            Console.SetError(oldError);
        }
        Assert.Equal(1, exit);
        Assert.Contains("--orders", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("--skus", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("--fault-rate", errors.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Tests that swap the process's console run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleUsers
{
    public const string Name = "console";
}
