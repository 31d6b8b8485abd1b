namespace Shelfbook.Kernel;

/// <summary>One thing wrong with one field (or row) of the input.</summary>
/// <param name="Field">The field as the caller named it (camelCase for the API), or a row reference such as <c>rows[12].code</c>.</param>
/// <param name="Code">A stable code that the UI translates, e.g. <c>required</c>, <c>duplicate</c>.</param>
/// <param name="Message">The English message, used when no translation exists.</param>
/// <param name="Arguments">Values placed into the translated message ({0}, {1} …).</param>
public sealed record FieldError(string Field, string Code, string Message, params object[] Arguments);

/// <summary>Base of the errors that the platform turns into problem details; anything else is a 500.</summary>
public abstract class ShelfbookException : Exception
{
    protected ShelfbookException(string message) : base(message) { }
}

/// <summary>The input is wrong; nothing was written. Maps to 400 with field-level errors.</summary>
public sealed class InputRejectedException : ShelfbookException
{
    public InputRejectedException(IReadOnlyList<FieldError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        Errors = errors;
    }

    public InputRejectedException(string field, string code, string message, params object[] arguments)
        : this([new FieldError(field, code, message, arguments)]) { }

    public IReadOnlyList<FieldError> Errors { get; }
}

/// <summary>The entity does not exist in this tenant (or the caller may not know it does). Maps to 404.</summary>
public sealed class NotFoundException : ShelfbookException
{
    public NotFoundException(string entity, object id) : base($"{entity} '{id}' was not found.")
    {
        Entity = entity;
        Id = id.ToString() ?? "";
    }

    public string Entity { get; }
    public string Id { get; }
}

/// <summary>A rule of the business forbids the action in the entity's current state. Maps to 409.</summary>
public sealed class RuleViolatedException : ShelfbookException
{
    public RuleViolatedException(string code, string message, params object[] arguments) : base(message)
    {
        Code = code;
        Arguments = arguments;
    }

    public string Code { get; }

    /// <summary>Values placed into the translated message ({0}, {1} …).</summary>
    public IReadOnlyList<object> Arguments { get; }
}
