using System.CommandLine;

namespace Shelfbook.Cli.Crash;

/// <summary>
/// <c>shelfbook crash [--cycles N] [--orders N] [--kills-per-batch N] [--kill-within S] [--postgres-restart CMD] [--seed N] [--report FILE]</c>:
/// the crash-consistency harness (<see cref="CrashHarness"/>) on a fresh tenant of the named database (a temporary
/// SQLite folder by default). Exit code 4 when a check found a violation.
/// </summary>
public static class CrashCommand
{
    public static Command Build(Option<string?> provider, Option<string?> connection)
    {
        var cycles = new Option<int>("--cycles") { Description = "Kills in all (default 10; the long run is 200)", DefaultValueFactory = _ => 10 };
        var orders = new Option<int>("--orders") { Description = "Orders per batch (default 20,000)", DefaultValueFactory = _ => 20_000 };
        var perBatch = new Option<int>("--kills-per-batch") { Description = "Kills while one batch runs (default 5)", DefaultValueFactory = _ => 5 };
        var within = new Option<double>("--kill-within") { Description = "A kill falls at a random moment up to this many seconds after the node answers (default 20)", DefaultValueFactory = _ => 20 };
        var restart = new Option<string?>("--postgres-restart") { Description = "A shell command that restarts PostgreSQL; run after about a third of the kills (PostgreSQL only)" };
        var report = new Option<string?>("--report") { Description = "Write this run's section of the report (docs/benchmarks.md), replacing the database's earlier one" };
        var seed = new Option<int>("--seed") { Description = "Seed of the kill moments and the orders (default 1)", DefaultValueFactory = _ => 1 };
        var command = new Command("crash", "Kill Shelfbook (SIGKILL) at random moments while it syncs, audits and ships, restart it, and check nothing was lost or done twice")
        {
            cycles, orders, perBatch, within, restart, seed, report,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new CrashOptions(parse.GetValue(cycles), parse.GetValue(orders), parse.GetValue(perBatch), parse.GetValue(within), parse.GetValue(restart), parse.GetValue(seed));
            var problems = new List<string>();
            if (options.Cycles < 1) problems.Add("--cycles must be at least 1.");
            if (options.Orders is < 1 or > 1_000_000) problems.Add("--orders must be between 1 and 1,000,000.");
            if (options.KillsPerBatch < 1) problems.Add("--kills-per-batch must be at least 1.");
            if (options.KillWithinSeconds is < 1 or > 3600) problems.Add("--kill-within must be between 1 and 3,600 seconds.");
            if (problems.Count > 0)
            {
                foreach (var p in problems) await Console.Error.WriteLineAsync(p);
                return 1;
            }
            var result = await CrashHarness.RunAsync(parse.GetValue(provider), parse.GetValue(connection), options, Console.Out, ct);
            if (parse.GetValue(report) is { } path)
            {
                // The command as run, less the connection string (it may hold a password).
                var args = Environment.GetCommandLineArgs().Skip(1).ToArray();
                var line = "shelfbook " + string.Join(' ', args.Select((a, i) =>
                    i > 0 && args[i - 1] == "--connection" ? "\"Host=…\"" : a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
                await CrashReport.WriteAsync(path, result, options, line, ct);
                Console.WriteLine($"report: {path}");
            }
            return result.Violations.Count == 0 ? 0 : 4;
        });
        return command;
    }
}
