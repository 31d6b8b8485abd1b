using System.Globalization;
using System.Text.Json;

namespace Shelfbook.Channels.Connectors;

/// <summary>A field of a platform record that is missing or cannot be read; the record goes to quarantine with this message.</summary>
public sealed class UnreadableRecordException(string message) : Exception(message);

/// <summary>Reading platform values strictly: a wrong unit or format is an error naming the field, never a guess.</summary>
public static class PlatformValues
{
    /// <summary>Yuan (or another major unit) with at most two decimals, as a string or a number → minor units.</summary>
    public static long Major(JsonElement record, string field, bool required = true)
    {
        if (!record.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && value.GetString() == ""))
            return required ? throw new UnreadableRecordException($"{field} is missing.") : 0;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new UnreadableRecordException($"{field} is not an amount: {value.GetRawText()}."),
        };
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var major)
            || major.Scale > 2 && decimal.Round(major, 2) != major || Math.Abs(major) > 1_000_000_000m)
            throw new UnreadableRecordException($"{field} is not an amount with at most two decimals: '{text}'.");
        return (long)(major * 100);
    }

    /// <summary>A local time "yyyy-MM-dd HH:mm:ss" in the platform's zone → UTC.</summary>
    public static DateTime? LocalTime(JsonElement record, string field, TimeSpan offset, bool required)
    {
        var text = Text(record, field);
        if (text is null) return required ? throw new UnreadableRecordException($"{field} is missing.") : null;
        if (!DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            throw new UnreadableRecordException($"{field} is not a time 'yyyy-MM-dd HH:mm:ss': '{text}'.");
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }

    public static string? Text(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    public static string RequiredText(JsonElement record, string field) => Text(record, field) ?? throw new UnreadableRecordException($"{field} is missing.");

    public static int Count(JsonElement record, string field)
    {
        var text = RequiredText(record, field);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1_000_000
            ? n
            : throw new UnreadableRecordException($"{field} is not a quantity: '{text}'.");
    }

    /// <summary>A whole number of units (a listing's quantity), or null when absent or not one.</summary>
    public static long? Units(JsonElement record, string field) =>
        Text(record, field) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>An amount in major units → minor units, or null when absent or unreadable (listings are described, not booked).</summary>
    public static long? MajorOrNull(JsonElement record, string field)
    {
        try
        {
            return record.TryGetProperty(field, out _) ? Major(record, field, required: false) : null;
        }
        catch (UnreadableRecordException)
        {
            return null;
        }
    }

    /// <summary>Cuts text to a column's length (platform titles and addresses can be long).</summary>
    public static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
