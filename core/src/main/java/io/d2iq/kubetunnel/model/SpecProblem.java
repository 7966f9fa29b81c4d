package io.d2iq.kubetunnel.model;

/**
 * Why a connector cannot be reconciled as written: a retry will not help until a human edits something.
 *
 * @param reason UpperCamelCase condition reason
 * @param field the field to fix, as a JSON path (e.g. {@code spec.proxyPort})
 * @param message what is wrong and how to fix it, for a human
 */
public record SpecProblem(String reason, String field, String message) {}
