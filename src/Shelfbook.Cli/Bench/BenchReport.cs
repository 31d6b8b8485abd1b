using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Shelfbook.Cli.Bench;

/// <summary>A figure as <c>shelfbook bench</c> prints it (<c>name: value unit</c>).</summary>
public sealed record BenchFigure(string Name, double Value, string Unit);

/// <summary>What a run was measured on: printed at the top of docs/benchmarks.md.</summary>
public sealed record BenchMachine(string Cpu, int Cores, double MemoryGiB, string Disk, string System, string Runtime, string? Sqlite, string? Postgres, DateTime At)
{
    /// <summary>This machine, as Linux describes it (CPU model, memory, the file system of <paramref name="dataPath"/>).</summary>
    public static BenchMachine Here(string dataPath, string? sqlite, string? postgres)
    {
        static string? Line(string file, string prefix) =>
            File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
        var cpu = Line("/proc/cpuinfo", "model name")?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = Line("/proc/meminfo", "MemTotal") is { } m && long.TryParse(m.Split(':', 2)[1].Trim().Split(' ')[0], out var kb) ? kb : 0;
        var drive = new DriveInfo(Path.GetFullPath(dataPath));
        var disk = $"{drive.DriveFormat}, {drive.TotalSize / (1L << 30)} GiB ({drive.AvailableFreeSpace / (1L << 30)} GiB free) at {drive.RootDirectory.FullName}";
        return new BenchMachine(cpu, Environment.ProcessorCount, memKb / 1048576.0, disk, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            sqlite, postgres, DateTime.UtcNow);
    }
}

/// <summary>
/// docs/benchmarks.md: the machine, the commands, and every figure of one run on SQLite beside one on PostgreSQL (by
/// name, in the order the scenarios print them). Written by <c>shelfbook bench --report FILE</c>; nothing in it is typed by hand.
/// </summary>
public static class BenchReport
{
    public static string Markdown(BenchMachine machine, IReadOnlyList<string> scenarios, bool quick, IReadOnlyList<BenchFigure> sqlite, IReadOnlyList<BenchFigure>? postgres)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine(c, $"Written by `shelfbook bench --report` on {machine.At:yyyy-MM-dd HH:mm} UTC{(quick ? " (a `--quick` run: a tenth of the sizes, not the issues' figures)" : "")}.");
        text.AppendLine("Regenerate it with the command below; the figures vary from run to run on a shared virtual machine (by up to half");
        text.AppendLine("on the one this was written on), so compare runs of the same day, and each scenario's ratio to the raw ceiling it");
        text.AppendLine("measures in the same run.");
        text.AppendLine();
        text.AppendLine("## Machine");
        text.AppendLine();
        text.AppendLine(c, $"- CPU: {machine.Cpu}, {machine.Cores} cores");
        text.AppendLine(string.Create(c, $"- Memory: {machine.MemoryGiB:0.0} GiB"));
        text.AppendLine(c, $"- Disk: {machine.Disk}");
        text.AppendLine(c, $"- System: {machine.System}; {machine.Runtime}");
        text.AppendLine(c, $"- SQLite {machine.Sqlite ?? "?"} (embedded, WAL, a 64 MiB page cache per connection)");
        text.AppendLine(postgres is null ? "- PostgreSQL: not run" : $"- PostgreSQL {machine.Postgres ?? "?"} (on the same machine)");
        text.AppendLine();
        text.AppendLine("## Command");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine("dotnet build src/Shelfbook.Cli -c Release");
        text.AppendLine(c, $"src/Shelfbook.Cli/bin/Release/net10.0/shelfbook bench {string.Join(' ', scenarios)}{(quick ? " --quick" : "")} \\");
        text.AppendLine("  --report docs/benchmarks.md --report-postgres \"Host=localhost;Database=…;Username=…;Password=…\"");
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("Each scenario runs against a fresh tenant on the real web host (README, Benchmarks, says what each measures and");
        text.AppendLine("which bar of its issue each figure answers). Without `--report-postgres` only SQLite runs.");
        text.AppendLine();
        text.AppendLine("## Figures");
        text.AppendLine();
        text.AppendLine(postgres is null ? "| Figure | SQLite | Unit |" : "| Figure | SQLite | PostgreSQL | Unit |");
        text.AppendLine(postgres is null ? "|---|---:|---|" : "|---|---:|---:|---|");
        var onPostgres = postgres?.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First()) ?? [];
        var names = sqlite.Select(f => f.Name).Concat(postgres?.Select(f => f.Name) ?? []).Distinct().ToList();
        var onSqlite = sqlite.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var name in names)
        {
            var unit = (onSqlite.GetValueOrDefault(name) ?? onPostgres[name]).Unit;
            text.Append(c, $"| `{name}` | {Value(onSqlite.GetValueOrDefault(name))} |");
            if (postgres is not null) text.Append(c, $" {Value(onPostgres.GetValueOrDefault(name))} |");
            text.AppendLine(c, $" {unit} |");
        }
        return text.ToString();
    }

    /// <summary>As the bench prints it: whole numbers without decimals, others to three places; a dash when not measured.</summary>
    public static string Value(BenchFigure? figure) =>
        figure is null ? "–"
        : figure.Value.ToString(figure.Value == Math.Floor(figure.Value) && Math.Abs(figure.Value) < 1e12 ? "0" : "0.###", CultureInfo.InvariantCulture);
}
