using Microsoft.EntityFrameworkCore;
using Shelfbook.Cli.Crash;
using Shelfbook.Inventory.Domain;
using Shelfbook.Sandbox;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Tenancy;

/// <summary>
/// The crash harness's short form, as CI runs it (issue 8): Shelfbook as its own process, killed with SIGKILL ten times
/// while it syncs, audits, ships and writes back, on each database; every check must come out clean. PostgreSQL is not
/// restarted here (the other tests use it meanwhile); <c>shelfbook crash --postgres-restart</c> does that in the long run.
/// </summary>
public sealed class CrashTests
{
    private static readonly CrashOptions Short = new(Cycles: 10, Orders: 1_000, KillsPerBatch: 5, KillWithinSeconds: 6, Seed: 8);

    [Fact]
    public async Task Ten_kills_on_sqlite_lose_nothing_and_do_nothing_twice()
    {
        var output = new StringWriter();
        var result = await CrashHarness.RunAsync("Sqlite", null, Short, output, TestContext.Current.CancellationToken);

        Assert.True(result.Violations.Count == 0, output.ToString());
        Assert.Equal(10, result.Kills);
        Assert.Equal(10, result.KillPoints.Count);
        Assert.True(result.Batches >= 2, output.ToString());
    }

    [Fact]
    public async Task Ten_kills_on_postgres_lose_nothing_and_do_nothing_twice()
    {
        var connection = Environment.GetEnvironmentVariable(ShelfbookApp.PostgresVariable);
        CiGuard.SkipUnlessAvailable(string.IsNullOrWhiteSpace(connection) ? $"PostgreSQL tests need a connection string in {ShelfbookApp.PostgresVariable} (.ci/run sets it up)." : null);
        var output = new StringWriter();
        var result = await CrashHarness.RunAsync("Postgres", connection, Short, output, TestContext.Current.CancellationToken);

        Assert.True(result.Violations.Count == 0, output.ToString());
        Assert.Equal(10, result.Kills);
    }

    [Fact]
    public async Task The_report_keeps_one_section_per_database_and_bench_reports_keep_them()
    {
        var path = Path.Combine(Path.GetTempPath(), "shelfbook-crash-" + Guid.NewGuid().ToString("N")[..8] + ".md");
        await File.WriteAllTextAsync(path, "# Benchmarks\n\nfigures\n", TestContext.Current.CancellationToken);
        CrashResult Result(string db, int kills, params CrashViolation[] violations) => new(db, 2, kills, 0, 2_000, TimeSpan.FromMinutes(3), [],
            new Dictionary<string, int> { ["sync"] = 1, ["write-back"] = kills - 1 }, violations);
        try
        {
            await CrashReport.WriteAsync(path, Result("Sqlite", 10), Short, "shelfbook crash --cycles 10", TestContext.Current.CancellationToken);
            await CrashReport.WriteAsync(path, Result("Postgres", 10), Short, "shelfbook crash --provider Postgres", TestContext.Current.CancellationToken);
            await CrashReport.WriteAsync(path, Result("Sqlite", 12, new CrashViolation(2, "verify", "a drift")), Short, "shelfbook crash --cycles 12", TestContext.Current.CancellationToken);
            var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

            Assert.StartsWith("# Benchmarks\n\nfigures", text, StringComparison.Ordinal);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "## Crash consistency on SQLite"));
            Assert.Contains("killed with SIGKILL **12 times**", text, StringComparison.Ordinal);
            Assert.DoesNotContain("**10 times**", text.Split("on PostgreSQL")[0], StringComparison.Ordinal);
            Assert.Contains("VIOLATION in batch 2, verify: a drift", text, StringComparison.Ordinal);
            Assert.Contains("## Crash consistency on PostgreSQL", text, StringComparison.Ordinal);
            var kept = Shelfbook.Cli.Bench.ReportSections.Kept(text);
            Assert.Contains("on SQLite", kept, StringComparison.Ordinal);
            Assert.Contains("on PostgreSQL", kept, StringComparison.Ordinal);
            Assert.DoesNotContain("figures", kept, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The checks can fail: a confirmation the platform got twice and a shipped unit missing from the ledger are both named.</summary>
    [Fact]
    public async Task The_checks_name_a_confirmation_sent_twice_and_a_shipment_missing_from_the_ledger()
    {
        var options = new CrashOptions(Cycles: 1, Orders: 100, KillsPerBatch: 1, KillWithinSeconds: 2, Seed: 3)
        {
            BeforeChecks = async (host, sandbox, seller) =>
            {
                var first = sandbox.Received.First(r => r.Seller == seller && r.Accepted);
                sandbox.Received.Enqueue(first with { At = first.At.AddSeconds(1) });
                await using var db = host.OpenTenant();
                var movement = await db.Set<StockMovement>().Where(m => m.Type == MovementType.SalesShipment).OrderBy(m => m.Id).FirstAsync();
                await db.Set<StockMovement>().Where(m => m.Id == movement.Id).ExecuteDeleteAsync();
            },
        };
        var output = new StringWriter();
        var result = await CrashHarness.RunAsync("Sqlite", null, options, output, TestContext.Current.CancellationToken);

        var checks = result.Violations.Select(v => v.Check).ToHashSet();
        Assert.Contains("each confirmation at most once", checks);
        Assert.Contains("outbound movements for every shipped order", checks);
        Assert.Contains("verify", checks);
        Assert.Equal(1, result.Kills);
    }
}
