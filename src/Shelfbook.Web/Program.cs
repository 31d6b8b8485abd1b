using Shelfbook.Platform.Tenancy;
using Shelfbook.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddShelfbookWeb(ShelfbookModules.Create());
var app = builder.Build();
app.UseShelfbookWeb();

try
{
    // Start-up migrates the databases (BootstrapOnStart) before the server listens.
    await app.RunAsync();
    return 0;
}
catch (StartupFailedException e)
{
    // A clear sentence and a non-zero exit, not a stack trace: this is what an operator sees first.
    await Console.Error.WriteLineAsync("Shelfbook cannot start: " + e.Message);
    return 1;
}

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
