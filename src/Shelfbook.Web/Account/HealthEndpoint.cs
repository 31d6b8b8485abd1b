using Microsoft.EntityFrameworkCore;
using Shelfbook.Data;
using Shelfbook.Data.Audit;

namespace Shelfbook.Web.Account;

public static class HealthEndpoint
{
    /// <summary>
    /// <c>GET /health</c>: 200 when the control database answers, 503 otherwise, with the provider named
    /// and nothing more (no host, path or error text), so a load balancer and a person can both read it.
    /// </summary>
    public static void MapShelfbookHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", async (Databases databases, ILogger<Databases> log, CancellationToken ct) =>
        {
            bool reachable;
            try
            {
                await using var db = databases.OpenControl(new SystemActor("health"), TimeProvider.System);
                reachable = await db.Database.CanConnectAsync(ct);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                reachable = false;
                // Where the database is and why it failed go to the log, not to anonymous callers.
                log.LogError(e, "Health check: the control database ({Where}) is not reachable", databases.Options.Describe());
            }
            var body = new
            {
                status = reachable ? "healthy" : "unhealthy",
                database = new { provider = databases.Options.Provider.ToString(), reachable },
            };
            return Results.Json(body, statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().WithTags("Health");
}
