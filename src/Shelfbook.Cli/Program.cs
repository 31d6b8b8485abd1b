using System.CommandLine;

namespace Shelfbook.Cli;

/// <summary>Entry point, named so that it does not clash with the web host's <c>Program</c> in tests that load both.</summary>
public static class CliProgram
{
    public static Task<int> Main(string[] args) => ShelfbookCommands.Build().Parse(args).InvokeAsync();
}
