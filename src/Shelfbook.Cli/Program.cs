using System.CommandLine;
using Shelfbook.Cli;

return await ShelfbookCommands.Build().Parse(args).InvokeAsync();
