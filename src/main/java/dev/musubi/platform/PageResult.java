package dev.musubi.platform;

import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code page} counts from 0. */
public record PageResult<T>(List<T> items, int page, int size, long total) {

  public <R> PageResult<R> map(Function<T, R> f) {
    return new PageResult<>(items.stream().map(f).toList(), page, size, total);
  }

  /** Checks paging parameters at the edge: page ≥ 0, 1 ≤ size ≤ max. */
  public static void check(int page, int size, int max) {
    if (page < 0) {
      throw dev.musubi.platform.web.Problems.invalid("page", "min", "Must be 0 or more.");
    }
    if (size < 1 || size > max) {
      throw dev.musubi.platform.web.Problems.invalid(
          dev.musubi.platform.web.ProblemException.FieldError.range("size", 1, max));
    }
  }
}
