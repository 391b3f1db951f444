import type { RouteRecord } from '../store/records.js';
import type { RouteSource } from './route-planner.js';

/** The configured routes, held in memory for the request path and refreshed on every change. */
export class RouteCatalog implements RouteSource {
  private byName = new Map<string, RouteRecord>();

  get(name: string): RouteRecord | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  replaceAll(records: readonly RouteRecord[]): void {
    this.byName = new Map(records.map((record) => [record.name, record]));
  }

  put(record: RouteRecord): void {
    this.byName.set(record.name, record);
  }

  remove(name: string): void {
    this.byName.delete(name);
  }
}
