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
        if (AmountText(record, field, required) is not { } text) return 0;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var major)
            || major.Scale > 2 && decimal.Round(major, 2) != major || Math.Abs(major) > 1_000_000_000m)
            throw new UnreadableRecordException($"{field} is not an amount with at most two decimals: '{text}'.");
        return (long)(major * 100);
    }

    /// <summary>
    /// An amount in the major unit of <paramref name="currency"/> → its minor units (cents; yen are their own minor
    /// unit; dinars have three decimals). More decimals than the currency has, or a currency Shelfbook does not know,
    /// make the record unreadable.
    /// </summary>
    public static long Amount(JsonElement record, string field, string currency, bool required = true)
    {
        var exponent = Currencies.Exponent(currency) ?? throw new UnreadableRecordException($"Unknown currency '{currency}'.");
        if (AmountText(record, field, required) is not { } text) return 0;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var major)
            || decimal.Round(major, exponent) != major || Math.Abs(major) > 1_000_000_000_000m)
            throw new UnreadableRecordException($"{field} is not an amount in {currency} with at most {exponent} decimals: '{text}'.");
        return (long)(major * (decimal)Math.Pow(10, exponent));
    }

    /// <summary>
    /// Minor units (fen) as the platform sends them: a whole number. A value with a decimal point is in the wrong unit
    /// (yuan where fen are due) and makes the record unreadable rather than a hundred times off.
    /// </summary>
    public static long Minor(JsonElement record, string field, bool required = true)
    {
        if (AmountText(record, field, required) is not { } text) return 0;
        if (text.Contains('.', StringComparison.Ordinal))
            throw new UnreadableRecordException($"{field} must be a whole number of fen (分); '{text}' looks like yuan.");
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minor) && Math.Abs(minor) <= 100_000_000_000
            ? minor
            : throw new UnreadableRecordException($"{field} is not an amount in fen: '{text}'.");
    }

    /// <summary>An ISO 8601 time → UTC (one written without an offset is read as UTC).</summary>
    public static DateTime? IsoTime(JsonElement record, string field, bool required)
    {
        var text = Text(record, field);
        if (text is null) return required ? throw new UnreadableRecordException($"{field} is missing.") : null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : throw new UnreadableRecordException($"{field} is not an ISO 8601 time: '{text}'.");
    }

    /// <summary>Unix seconds → UTC.</summary>
    public static DateTime? UnixTime(JsonElement record, string field, bool required)
    {
        var text = Text(record, field);
        if (text is null or "0") return required ? throw new UnreadableRecordException($"{field} is missing.") : null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 946_684_800 and < 32_503_680_000
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : throw new UnreadableRecordException($"{field} is not a time in Unix seconds: '{text}'.");
    }

    /// <summary>An amount's text as sent (a string or a number); null when absent and not required.</summary>
    private static string? AmountText(JsonElement record, string field, bool required)
    {
        if (!record.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && value.GetString() == ""))
            return required ? throw new UnreadableRecordException($"{field} is missing.") : null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new UnreadableRecordException($"{field} is not an amount: {value.GetRawText()}."),
        };
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

    /// <summary>A whole number of units (a listing's quantity; below zero when oversold), or null when absent or not one.</summary>
    public static long? Units(JsonElement record, string field) =>
        Text(record, field) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

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

/// <summary>ISO 4217 currencies Shelfbook reads, with their minor-unit exponent (how many decimals the major unit has).</summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["CNY"] = 2, ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2, ["TWD"] = 2, ["MOP"] = 2, ["SGD"] = 2, ["MYR"] = 2, ["THB"] = 2, ["PHP"] = 2,
        ["IDR"] = 2, ["INR"] = 2, ["AUD"] = 2, ["NZD"] = 2, ["CAD"] = 2, ["MXN"] = 2, ["BRL"] = 2, ["CHF"] = 2, ["SEK"] = 2, ["NOK"] = 2, ["DKK"] = 2,
        ["PLN"] = 2, ["CZK"] = 2, ["HUF"] = 2, ["RON"] = 2, ["AED"] = 2, ["SAR"] = 2, ["QAR"] = 2, ["ZAR"] = 2, ["TRY"] = 2, ["ILS"] = 2, ["RUB"] = 2,
        ["EGP"] = 2, ["NGN"] = 2, ["COP"] = 2, ["PEN"] = 2, ["ARS"] = 2,
        ["JPY"] = 0, ["KRW"] = 0, ["VND"] = 0, ["CLP"] = 0, ["ISK"] = 0, ["UGX"] = 0, ["PYG"] = 0,
        ["BHD"] = 3, ["KWD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3,
    };

    /// <summary>The number of decimals of the currency's major unit, or null for a code Shelfbook does not know.</summary>
    public static int? Exponent(string currency) => Exponents.TryGetValue(currency, out var exponent) ? exponent : null;
}
