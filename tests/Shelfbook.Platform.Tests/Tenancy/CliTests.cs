using Microsoft.EntityFrameworkCore;
using Shelfbook.Cli;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Tenancy;

/// <summary><c>shelfbook tenants create</c> against a fresh SQLite folder (and a PostgreSQL schema set when configured).</summary>
[Collection(ConsoleUsers.Name)]
public sealed class CliTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "shelfbook-cli-" + Guid.NewGuid().ToString("N")[..8]);

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await ShelfbookCommands.Build().Parse(["--data", _data, .. args]).InvokeAsync();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    [Fact]
    public async Task Creates_a_tenant_with_its_database_and_refuses_it_twice()
    {
        var (exit, output, _) = await RunAsync("tenants", "create", "acme", "--name", "Acme 商贸", "--admin", "boss", "--password", "Strong-Pass1");

        Assert.Equal(0, exit);
        Assert.Contains("Created tenant acme", output);
        Assert.True(File.Exists(Path.Combine(_data, "tenants", "acme.db")));
        var databases = new Databases(Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { DataPath = _data }),
            new Data.Tenancy.TenantModel([typeof(Inventory.InventoryModule).Assembly, typeof(Shelfbook.Access.AccessModule).Assembly]));
        await using (var control = databases.OpenControl(new SystemActor(), TimeProvider.System))
        {
            var user = await control.Users.SingleAsync();
            Assert.Equal(ShelfbookUser.UserNameFor("acme", "boss"), user.UserName);
            Assert.Equal("cli", (await control.AuditEntries.FirstAsync(a => a.EntityType == "tenant")).UserName);
        }

        var again = await RunAsync("tenants", "create", "acme", "--name", "Acme", "--admin", "boss", "--password", "Strong-Pass1");
        Assert.Equal(1, again.Exit);
        Assert.Contains("code: A tenant with code 'acme' already exists.", again.Error);

        var list = await RunAsync("tenants", "list");
        Assert.Contains("acme", list.Out);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Generates_a_password_when_none_is_given()
    {
        var (exit, output, _) = await RunAsync("tenants", "create", "gen", "--name", "Gen", "--admin", "boss");

        Assert.Equal(0, exit);
        Assert.Matches("Generated password: Sb[A-Za-z0-9]{15}", output);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Missing_options_are_reported_by_name()
    {
        var (exit, _, error) = await RunAsync("tenants", "create", "x1");

        Assert.NotEqual(0, exit);
        Assert.Contains("--name", error);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
