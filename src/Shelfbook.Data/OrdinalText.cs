using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shelfbook.Data;

/// <summary>
/// Codes compared by their characters, not by language rules. SQLite compares text byte by byte already; PostgreSQL
/// compares by the database's locale unless a column says <c>COLLATE "C"</c>, and under a locale a b-tree index
/// neither serves a prefix range nor orders keyset pages the way SQLite does. Marking a code column ordinal gives
/// it the "C" collation on PostgreSQL, so prefix search (<see cref="Prefix"/>) and paging use its index on both.
/// </summary>
public static class OrdinalText
{
    internal const string Annotation = "Shelfbook:Ordinal";

    /// <summary>Marks a code column (<c>string</c> or <c>string?</c>) to compare by characters.</summary>
    public static PropertyBuilder<TText> IsOrdinal<TText>(this PropertyBuilder<TText> property) => property.HasAnnotation(Annotation, true);

    /// <summary>On PostgreSQL, gives every ordinal column the "C" collation.</summary>
    internal static void Apply(ModelBuilder modelBuilder, bool postgres)
    {
        if (!postgres) return;
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
            if (property.FindAnnotation(Annotation)?.Value is true)
                property.SetCollation("C");
    }

    /// <summary>
    /// The half-open range [low, high) holding exactly the ordinal strings that start with <paramref name="prefix"/>,
    /// so that <c>value &gt;= low AND value &lt; high</c> is an index range scan. Null when no upper bound exists
    /// (the prefix ends in U+FFFF or a surrogate); the caller then has to fall back to StartsWith.
    /// </summary>
    public static (string Low, string High)? Prefix(string prefix)
    {
        if (prefix.Length == 0) return null;
        var last = prefix[^1];
        if (last == char.MaxValue || char.IsSurrogate(last)) return null;
        return (prefix, string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(last + 1)).ToString()));
    }
}
