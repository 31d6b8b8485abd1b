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
}

/// <summary>Tests that swap the process's console run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleUsers
{
    public const string Name = "console";
}
