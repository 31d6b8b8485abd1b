using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// <c>shelfbook bench [scenario…] [--quick] [--json file]</c>: runs the measured scenarios of the issues against a
/// fresh tenant on the real web host and prints one line per figure, <c>name: value unit</c>. Build it in Release.
/// </summary>
public static class BenchCommand
{
    private static readonly string[] Scenarios = ["catalog", "inventory", "channels", "orders", "fulfillment"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Build(Option<string?> provider, Option<string?> connection)
    {
        var scenarios = new Argument<string[]>("scenario") { Description = "Scenarios to run (default: all): " + string.Join(", ", Scenarios), Arity = ArgumentArity.ZeroOrMore };
        var quick = new Option<bool>("--quick") { Description = "A short run (a tenth of the sizes) that checks every scenario works" };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file" };
        var command = new Command("bench", "Measure Shelfbook: one line per figure (name: value unit)") { scenarios, quick, json };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(scenarios) is { Length: > 0 } named ? named : Scenarios;
            var unknown = chosen.Except(Scenarios).ToList();
            if (unknown.Count > 0)
            {
                await Console.Error.WriteLineAsync($"Unknown scenario: {string.Join(", ", unknown)} (known: {string.Join(", ", Scenarios)})");
                return 1;
            }
#if DEBUG
            Console.WriteLine("note: a Debug build; measure with -c Release");
#endif
            var figures = new List<object>();
            void Report(string name, double value, string unit)
            {
                var text = value.ToString(value == Math.Floor(value) && Math.Abs(value) < 1e12 ? "0" : "0.###", CultureInfo.InvariantCulture);
                Console.WriteLine($"{name}: {text} {unit}");
                figures.Add(new { name, value, unit });
            }
            await using var host = await BenchHost.StartAsync(parse.GetValue(provider), parse.GetValue(connection), ct);
            Console.WriteLine($"bench: database {host.Database}, tenant {host.Tenant.Value}, {Environment.ProcessorCount} cores{(parse.GetValue(quick) ? ", quick" : "")}");
            foreach (var scenario in chosen)
                if (scenario == "catalog") await CatalogBench.RunAsync(host, parse.GetValue(quick), Report, ct);
                else if (scenario == "inventory") await InventoryBench.RunAsync(host, parse.GetValue(quick), Report, ct);
                else if (scenario == "channels") await ChannelsBench.RunAsync(host, parse.GetValue(quick), Report, ct);
                else if (scenario == "orders") await OrdersBench.RunAsync(host, parse.GetValue(quick), Report, ct);
                else if (scenario == "fulfillment") await FulfillmentBench.RunAsync(host, parse.GetValue(quick), Report, ct);
            if (parse.GetValue(json) is { } path)
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(figures, Indented), ct);
            return 0;
        });
        return command;
    }
}
