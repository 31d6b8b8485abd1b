using System.Text.RegularExpressions;

namespace Shelfbook.Kernel;

/// <summary>
/// A tenant's short code. It names the tenant's SQLite file and PostgreSQL schema, so it is kept to
/// lower-case letters, digits and underscores, starting with a letter.
/// </summary>
public readonly partial record struct TenantCode
{
    public const int MaxLength = 30;

    private TenantCode(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, out TenantCode code)
    {
        code = default;
        var value = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !Shape().IsMatch(value)) return false;
        code = new TenantCode(value);
        return true;
    }

    public static TenantCode Parse(string? text, string field = "code") =>
        TryParse(text, out var code)
            ? code
            : throw new InputRejectedException(field, "invalid_tenant_code",
                $"{field} must be 2–{MaxLength} characters: a lower-case letter, then letters, digits or '_'.");

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z][a-z0-9_]{1,29}$")]
    private static partial Regex Shape();
}
