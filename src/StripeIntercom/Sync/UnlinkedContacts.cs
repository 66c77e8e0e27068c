using System;
using System.Collections.Generic;
using System.Globalization;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>
/// The contacts of a workspace the sync has never linked to a Stripe customer (most of a workspace an app fills), kept
/// as
/// little as finding them needs: the id, whether it is a user, whether it has an external_id, and 64-bit hashes of its
/// external_id and email. Entries live in one array of structs chained by hash, so a million of them cost about 50 MB
/// and no object each. Two different values share a hash about once in 10^19 pairs.
/// </summary>
internal sealed class UnlinkedContacts
{
    private const byte User = 1, HasExternalId = 2, HasEmail = 4, IdAsText = 8;

    private Entry[] _entries = new Entry[1024];
    // Per bucket, 1 + the index of the chain's first entry (0: empty). A power of two as long as the entries.
    private int[] _byExternalId = new int[1024];
    private int[] _byEmail = new int[1024];
    private readonly List<string> _textIds = new List<string>();
    private int _count;

    public int Count => _count;

    public void Add(string id, string? externalId, string? email, bool isUser)
    {
        if (_count == _entries.Length)
        {
            Grow();
        }

        ref var entry = ref _entries[_count];
        entry = default;
        if (HexId.TryPack(id, out var high, out var low))
        {
            entry.IdHigh = high;
            entry.IdLow = low;
        }
        else
        {
            entry.Flags |= IdAsText;
            entry.IdLow = (uint)_textIds.Count;
            _textIds.Add(id);
        }

        if (isUser)
        {
            entry.Flags |= User;
        }

        if (externalId != null)
        {
            entry.Flags |= HasExternalId;
            entry.ExternalIdHash = Hash(externalId, ignoreCase: false);
        }
        if (email != null)
        {
            entry.Flags |= HasEmail;
            entry.EmailHash = Hash(email, ignoreCase: true);
        }
        Chain(_count);
        _count++;
    }

    /// <summary>The contact with this external_id (matched exactly), as
    /// <see cref="IntercomContact.Unlinked"/>.</summary>
    public IntercomContact? FindByExternalId(string externalId)
    {
        var hash = Hash(externalId, ignoreCase: false);
        for (var at = _byExternalId[Bucket(hash)] - 1; at >= 0; at = _entries[at].NextByExternalId - 1)
        {
            if (_entries[at].ExternalIdHash == hash && (_entries[at].Flags & HasExternalId) != 0)
            {
                return ToContact(at, externalId, null);
            }
        }

        return null;
    }

    /// <summary>The contacts with this email (matched case-insensitively), in the order they were added.</summary>
    public List<IntercomContact> FindByEmail(string email)
    {
        var found = new List<IntercomContact>();
        var hash = Hash(email, ignoreCase: true);
        for (var at = _byEmail[Bucket(hash)] - 1; at >= 0; at = _entries[at].NextByEmail - 1)
        {
            if (_entries[at].EmailHash == hash && (_entries[at].Flags & HasEmail) != 0)
            {
                found.Add(ToContact(at, null, email));
            }
        }

        found.Reverse(); // a chain runs newest first
        return found;
    }

    /// <summary>
    /// The contact, with the external_id or email it was found by; the other one is not kept: an adopted contact's
    /// identity is never written, and one found by external_id has none of the sync's attributes.
    /// </summary>
    private IntercomContact ToContact(int at, string? externalId, string? email)
    {
        var entry = _entries[at];
        var id = (entry.Flags & IdAsText) != 0 ? _textIds[(int)entry.IdLow] : HexId.Unpack(entry.IdHigh, entry.IdLow);
        var hasExternalId = (entry.Flags & HasExternalId) != 0;
        return IntercomContact.Unlinked(id, (entry.Flags & User) != 0 ? "user" : "lead", externalId ?? (hasExternalId ? UnknownExternalId : null), email);
    }

    /// <summary>Stands for an external_id not kept: present, but not the one looked for.</summary>
    private const string UnknownExternalId = "\u0000unknown";

    private int Bucket(long hash) => (int)(hash ^ (hash >> 32)) & (_byEmail.Length - 1);

    private void Chain(int at)
    {
        ref var entry = ref _entries[at];
        if ((entry.Flags & HasExternalId) != 0)
        {
            ref var head = ref _byExternalId[Bucket(entry.ExternalIdHash)];
            entry.NextByExternalId = head;
            head = at + 1;
        }
        if ((entry.Flags & HasEmail) != 0)
        {
            ref var head = ref _byEmail[Bucket(entry.EmailHash)];
            entry.NextByEmail = head;
            head = at + 1;
        }
    }

    private void Grow()
    {
        Array.Resize(ref _entries, _entries.Length * 2);
        _byExternalId = new int[_entries.Length];
        _byEmail = new int[_entries.Length];
        for (var at = 0; at < _count; at++)
        {
            Chain(at);
        }
    }

    /// <summary>FNV-1a; emails match case-insensitively, as Intercom's do, external_ids exactly.</summary>
    private static long Hash(string text, bool ignoreCase)
    {
        unchecked
        {
            var hash = (long)14695981039346656037UL;
            foreach (var c in text)
            {
                hash ^= ignoreCase ? char.ToLowerInvariant(c) : c;
                hash *= 1099511628211L;
            }

            return hash;
        }
    }

    private struct Entry
    {
        public long ExternalIdHash;
        public long EmailHash;
        public ulong IdHigh;
        public uint IdLow;
        public int NextByExternalId;
        public int NextByEmail;
        public byte Flags;
    }

    /// <summary>Intercom's ids are 24 lower-case hex digits: 12 bytes instead of a 72-byte string.</summary>
    private static class HexId
    {
        public static bool TryPack(string id, out ulong high, out uint low)
        {
            high = 0;
            low = 0;
            if (id.Length != 24)
            {
                return false;
            }

            for (var i = 0; i < 24; i++)
            {
                var c = id[i];
                int digit;
                if (c >= '0' && c <= '9')
                {
                    digit = c - '0';
                }
                else if (c >= 'a' && c <= 'f')
                {
                    digit = c - 'a' + 10;
                }
                else
                {
                    return false;
                }

                if (i < 16)
                {
                    high = (high << 4) | (uint)digit;
                }
                else
                {
                    low = (low << 4) | (uint)digit;
                }
            }

            return true;
        }

        public static string Unpack(ulong high, uint low) =>
            high.ToString("x16", CultureInfo.InvariantCulture) + low.ToString("x8", CultureInfo.InvariantCulture);
    }
}
