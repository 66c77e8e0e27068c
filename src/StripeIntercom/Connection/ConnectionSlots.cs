using System.Runtime.CompilerServices;

namespace StripeIntercom.Connection;

/// <summary>
/// The connections a host keeps, one per session (the module's sessions are runspaces: a runbook, a job or a second
/// runspace in the same process each have their own, never another's). Setting or closing a session's connection
/// disposes the one it replaces. Sessions are held weakly: one that is gone takes its connection's slot with it.
/// </summary>
public sealed class ConnectionSlots
{
    private readonly ConditionalWeakTable<object, Slot> _slots = new ConditionalWeakTable<object, Slot>();

    /// <summary>The session's connection, or null.</summary>
    public ServiceConnection? Get(object? session) =>
        session != null && _slots.TryGetValue(session, out var slot) ? slot.Connection : null;

    /// <summary>Keeps <paramref name="connection"/> for the session, closing the one it replaces.</summary>
    public void Set(object session, ServiceConnection connection) =>
        Replace(_slots.GetValue(session, _ => new Slot()), connection);

    /// <summary>Forgets and closes the session's connection.</summary>
    public void Close(object? session)
    {
        if (session != null && _slots.TryGetValue(session, out var slot))
        {
            Replace(slot, null);
        }
    }

    private static void Replace(Slot slot, ServiceConnection? connection)
    {
        var previous = slot.Connection;
        slot.Connection = connection;
        previous?.Dispose();
    }

    private sealed class Slot
    {
        public volatile ServiceConnection? Connection;
    }
}
