using Microsoft.EntityFrameworkCore;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Inventory.Features.StockDocuments;

/// <summary>
/// Document numbers people can read aloud: prefix, the tenant's date and a daily sequence (RK-20261128-0007).
/// Two requests may pick the same number; the unique index refuses the second, which takes the next.
/// </summary>
internal static class DocumentNumbers
{
    public static async Task<string> NextAsync(IQueryable<string> numbers, string prefix, DateTime utcNow, CurrentUser user, CancellationToken ct)
    {
        var day = TimeZoneInfo.ConvertTimeFromUtc(utcNow, user.TimeZone).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var stem = $"{prefix}-{day}-";
        var last = await numbers.Where(n => n.StartsWith(stem)).OrderByDescending(n => n).FirstOrDefaultAsync(ct);
        var next = last is not null && int.TryParse(last.AsSpan(stem.Length), out var n) ? n + 1 : 1;
        return stem + next.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Saves a new document under a fresh number, taking the next one when a concurrent request took it first
    /// (three tries). <paramref name="number"/> gives the entity its number before each try.
    /// </summary>
    public static async Task SaveNumberedAsync(DbContext db, Func<CancellationToken, Task<string>> next, Action<string> number, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            number(await next(ct));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when (attempt < 3 && Shelfbook.Data.DatabaseErrors.IsUniqueViolation(e))
            {
            }
        }
    }
}
