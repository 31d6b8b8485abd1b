using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Platform.Api;

/// <summary>
/// Turns the platform's exceptions into RFC 9457 problem details: 400 with one message per field, 404,
/// 409, 401; anything unexpected is a 500 without internals.
/// </summary>
public sealed partial class ProblemResponses(
    IProblemDetailsService problems, IStringLocalizer<PlatformStrings> text, IStringLocalizerFactory localizers, ModuleSet modules,
    ILogger<ProblemResponses> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            InputRejectedException rejected => Validation(rejected.Errors),
            BadHttpRequestException bad => BadRequest(bad),
            NotFoundException notFound => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = text["problem.not_found"],
                Detail = NotFoundDetail(notFound),
            },
            RuleViolatedException rule => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = text["problem.rule"],
                Detail = Message(rule),
                Extensions = { ["code"] = rule.Code },
            },
            UnauthorizedAccessException => new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = text["problem.unauthorized"] },
            // Two requests raced for the same unique value or row; the slower one is told to reload, not given a 500.
            DbUpdateConcurrencyException => Conflict("conflict.concurrent_change"),
            DbUpdateException db when DatabaseErrors.IsUniqueViolation(db) => Conflict("conflict.duplicate"),
            DbUpdateException db when DatabaseErrors.IsForeignKeyViolation(db) => Conflict("conflict.concurrent_change"),
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = text["problem.internal"] },
        };
        if (problem.Status == StatusCodes.Status500InternalServerError)
            log.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The per-field messages, localized; the UI shows them beside the fields, the API under <c>errors</c>.</summary>
    public IDictionary<string, string[]> Messages(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => Localize("error." + e.Code, e.Message, e.Arguments)).ToArray());

    /// <summary>"仓库 '…' 不存在": the entity by its translated name where a module gave one.</summary>
    private string NotFoundDetail(NotFoundException notFound) =>
        string.Format(CultureInfo.CurrentCulture, text["problem.not_found.detail"], Localize("audit.entity." + notFound.Entity, notFound.Entity), notFound.Id);

    private ProblemDetails Conflict(string code) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Title = text["problem.rule"],
        Detail = text[code],
        Extensions = { ["code"] = code },
    };

    /// <summary>One line for a page to show (snackbar or alert) whatever the platform refused.</summary>
    public string Describe(ShelfbookException exception) => exception switch
    {
        InputRejectedException rejected => string.Join(" ", Messages(rejected.Errors).SelectMany(m => m.Value)),
        RuleViolatedException rule => Message(rule),
        NotFoundException notFound => NotFoundDetail(notFound),
        _ => exception.Message,
    };

    /// <summary>The broken rule in the user's language.</summary>
    public string Message(RuleViolatedException rule) => Localize(rule.Code, rule.Message, [.. rule.Arguments]);

    private HttpValidationProblemDetails Validation(IReadOnlyList<FieldError> errors) => new(Messages(errors))
    {
        Status = StatusCodes.Status400BadRequest,
        Title = text["problem.validation"],
        Extensions = { ["codes"] = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()) },
    };

    private ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        // A body that is not JSON (or not the right shape) names the JSON path that failed.
        if (bad.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            return Validation([new FieldError(field, "malformed_json", "The request body is not valid JSON at " + field + ".", field)]);
        }
        // A query or route value of the wrong type ("?limit=abc"): the framework names the parameter in its message.
        if (BoundParameter().Match(bad.Message) is { Success: true } bound)
        {
            var field = bound.Groups["name"].Value;
            return Validation([new FieldError(field, "invalid_value", $"{field} has a value of the wrong kind.", bound.Groups["value"].Value)]);
        }
        return new ProblemDetails { Status = bad.StatusCode, Title = text["problem.bad_request"], Detail = bad.Message };
    }

    /// <summary>The platform's resources first, then each module's; the English message when no translation exists.</summary>
    /// <summary>The text under <paramref name="key"/> in any module's strings, filled with the arguments; the fallback where no module has it.</summary>
    public string Localize(string key, string fallback, params object[] arguments)
    {
        foreach (var localizer in Localizers())
        {
            var template = localizer[key];
            if (template.ResourceNotFound) continue;
            try
            {
                return string.Format(CultureInfo.CurrentCulture, template.Value, arguments);
            }
            catch (FormatException)
            {
                // The template wants more values than the caller kept (a stored result with only its order number):
                // the caller's own message says it whole, if not in the user's language.
                return fallback;
            }
        }
        return fallback;
    }

    private IEnumerable<IStringLocalizer> Localizers()
    {
        yield return text;
        foreach (var module in modules.All)
            yield return localizers.Create(module.Strings);
    }

    [GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)" from "(?<value>[^"]*)"\.""")]
    private static partial Regex BoundParameter();
}
