using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Api;

public abstract class HostTests(ShelfbookApp app) : TenantTest(app)
{
    [Fact]
    public async Task Health_reports_the_database_as_reachable()
    {
        using var anonymous = App.ApiClient(null);

        var health = await anonymous.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetProperty("reachable").GetBoolean());
        Assert.Equal(App.Db.ToString(), health.GetProperty("database").GetProperty("provider").GetString());
        // Anonymous callers learn nothing about where the database is.
        Assert.False(health.GetProperty("database").TryGetProperty("where", out _));
        Assert.DoesNotContain("Host=", health.GetRawText());
    }

    [Fact]
    public async Task OpenApi_document_and_reference_are_served()
    {
        using var anonymous = App.ApiClient(null);

        var document = await anonymous.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        using var reference = await anonymous.GetAsync(new Uri("/api/docs/", UriKind.Relative));

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/inventory/warehouses", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("Shelfbook API", await reference.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_kind_names_the_parameter()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/inventory/warehouses?limit=abc", null, HttpStatusCode.BadRequest);
        var flag = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/inventory/warehouses?active=maybe", null, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_value", problem.GetProperty("codes").GetProperty("limit")[0].GetString());
        Assert.Contains("abc", problem.GetProperty("errors").GetProperty("limit")[0].GetString());
        Assert.True(flag.GetProperty("errors").TryGetProperty("active", out _));
    }

    [Fact]
    public async Task An_api_call_without_credentials_is_a_401_problem_not_a_redirect()
    {
        using var anonymous = App.ApiClient(null);

        using var response = await anonymous.GetAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class HostTestsOnSqlite(SqliteApp app) : HostTests(app);

public sealed class HostTestsOnPostgres(PostgresApp app) : HostTests(app);

/// <summary>The host as an operator starts it: a separate process.</summary>
public sealed class StartupTests
{
    private static async Task<(int Exit, string Error, string Output)> StartAsync(string provider, string connection)
    {
        var web = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [web])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(web)!,
            Environment =
            {
                ["Database__Provider"] = provider,
                ["Database__ConnectionString"] = connection,
                ["Database__DataPath"] = Path.Combine(Path.GetTempPath(), "shelfbook-startup-" + Guid.NewGuid().ToString("N")[..8]),
                ["Urls"] = "http://127.0.0.1:0",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await stderr, await stdout);
    }

    [Fact]
    public async Task An_unreachable_database_stops_start_up_with_a_clear_message()
    {
        var (exit, error, output) = await StartAsync("Postgres", "Host=127.0.0.1;Port=1;Database=nowhere;Username=x;Password=secret-pw;Timeout=3");

        Assert.Equal(1, exit);
        Assert.Contains("Shelfbook cannot start", error);
        Assert.Contains("PostgreSQL at Host=127.0.0.1;Port=1", error);
        Assert.DoesNotContain("secret-pw", error + output);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task A_misspelled_provider_stops_start_up_naming_the_setting()
    {
        var (exit, error, _) = await StartAsync("Postgress", "");

        Assert.Equal(1, exit);
        Assert.Contains("Shelfbook cannot start", error);
        Assert.Contains("Database:Provider", error);
    }
}
