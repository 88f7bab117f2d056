// Markers -> Mastodon Marker JSON (docs: Entities > Marker): an object keyed by timeline.
import type { Marker } from "../../services/markers/markers.ts";

export function markerToApi(m: Marker) {
  return { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt };
}

export function markersToApi(markers: readonly Marker[]): Record<string, ReturnType<typeof markerToApi>> {
  const out: Record<string, ReturnType<typeof markerToApi>> = {};
  for (const m of markers) out[m.timeline] = markerToApi(m);
  return out;
}
