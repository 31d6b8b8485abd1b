using System.Text;

namespace Shelfbook.Kernel;

/// <summary>
/// Keyset paging: the client sends back the opaque <see cref="Page{T}.Next"/> cursor as <c>after</c>;
/// the server seeks past it instead of counting an offset, so page 1,000 costs what page 1 costs.
/// </summary>
public sealed record PageRequest(string? After, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static PageRequest From(string? after, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
            throw new InputRejectedException("limit", "out_of_range", $"limit must be between 1 and {MaxLimit}.", 1, MaxLimit);
        return new PageRequest(string.IsNullOrWhiteSpace(after) ? null : after, limit ?? DefaultLimit);
    }

    /// <summary>Decodes the cursor into the key it was made from; a cursor that was tampered with is a 400 on <c>after</c>.</summary>
    public string? AfterKey()
    {
        if (After is null) return null;
        try
        {
            var padded = After.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
        }
    }

    public static string Cursor(string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

public static class Page
{
    /// <summary>Builds a page from up to <c>limit + 1</c> rows: the extra row only says that more exist.</summary>
    public static Page<T> From<T>(IReadOnlyList<T> rows, int limit, Func<T, string> keyOf)
    {
        if (rows.Count <= limit) return new Page<T>(rows, null);
        var items = rows.Take(limit).ToArray();
        return new Page<T>(items, PageRequest.Cursor(keyOf(items[^1])));
    }
}
