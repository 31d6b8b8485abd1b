namespace Shelfbook.Kernel;

/// <summary>
/// Collects every field error of one input before anything is written, so that the user sees all of
/// them at once instead of one per attempt.
/// </summary>
public sealed class InputCheck
{
    private readonly List<FieldError> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public int Count => _errors.Count;

    public IReadOnlyList<FieldError> ToErrors() => _errors.ToArray();

    public InputCheck Add(string field, string code, string message, params object[] arguments)
    {
        _errors.Add(new FieldError(field, code, message, arguments));
        return this;
    }

    /// <summary>Trims the value; records <c>required</c> when empty and <c>too_long</c> when over the limit.</summary>
    public string Required(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
            Add(field, "required", $"{field} is required.");
        else if (trimmed.Length > maxLength)
            Add(field, "too_long", $"{field} must be at most {maxLength} characters.", maxLength);
        return trimmed;
    }

    /// <summary>Trims the value; empty becomes null; records <c>too_long</c> when over the limit.</summary>
    public string? Optional(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.Length > maxLength)
            Add(field, "too_long", $"{field} must be at most {maxLength} characters.", maxLength);
        return trimmed;
    }

    /// <summary>Parses an enum by name (case-insensitive); records <c>unknown_value</c> listing the allowed names.</summary>
    public TEnum? OneOf<TEnum>(string field, string? value) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "required", $"{field} is required.");
            return null;
        }
        if (Enum.TryParse<TEnum>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            && !int.TryParse(value, out _))
            return parsed;
        var allowed = string.Join(", ", Enum.GetNames<TEnum>());
        Add(field, "unknown_value", $"{field} '{value}' is not one of: {allowed}.", value, allowed);
        return null;
    }

    /// <summary>An optional filter by name (a query parameter): null when blank, else the value or a 400 naming the field.</summary>
    public static TEnum? Filter<TEnum>(string field, string? value) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var check = new InputCheck();
        var parsed = check.OneOf<TEnum>(field, value);
        check.ThrowIfAny();
        return parsed;
    }

    /// <summary>Throws <see cref="InputRejectedException"/> when any error was recorded.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw new InputRejectedException(_errors.ToArray());
    }
}
