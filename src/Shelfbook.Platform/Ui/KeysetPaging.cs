using Shelfbook.Kernel;

namespace Shelfbook.Platform.Ui;

/// <summary>What <see cref="PagerButtons"/> needs from a keyset list.</summary>
public interface IKeysetPaging
{
    bool Loading { get; }
    bool HasPrevious { get; }
    bool HasNext { get; }
    Task NextAsync();
    Task PreviousAsync();
}

/// <summary>
/// A page's keyset list: keeps the cursors of the pages before the current one so that "previous" can go back,
/// since a keyset cursor only knows the way forward.
/// </summary>
public sealed class KeysetPaging<T>(Func<string?, Task<Page<T>>> load) : IKeysetPaging
{
    private readonly Stack<string?> _before = new();
    private string? _current;
    private string? _next;

    public IReadOnlyList<T> Items { get; private set; } = [];

    public bool Loading { get; private set; } = true;

    public bool HasPrevious => _before.Count > 0;

    public bool HasNext => _next is not null;

    /// <summary>Back to the first page, e.g. after the filter changed.</summary>
    public Task FirstAsync()
    {
        _before.Clear();
        return LoadAsync(null);
    }

    public Task NextAsync()
    {
        if (_next is null || Loading) return Task.CompletedTask;
        _before.Push(_current);
        return LoadAsync(_next);
    }

    public Task PreviousAsync() => _before.Count == 0 || Loading ? Task.CompletedTask : LoadAsync(_before.Pop());

    /// <summary>The same page again, e.g. after a row on it changed.</summary>
    public Task ReloadAsync() => LoadAsync(_current);

    private async Task LoadAsync(string? cursor)
    {
        Loading = true;
        try
        {
            var page = await load(cursor);
            (Items, _current, _next) = (page.Items, cursor, page.Next);
        }
        finally
        {
            Loading = false;
        }
    }
}
