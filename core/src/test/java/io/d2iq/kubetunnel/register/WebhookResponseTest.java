package io.d2iq.kubetunnel.register;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookResponseTest {

    @Test
    void clientErrorsOtherThan429AreFinal() {
        assertThat(new WebhookResponse(400, "").isRetryable()).isFalse();
        assertThat(new WebhookResponse(401, "").isRetryable()).isFalse();
        assertThat(new WebhookResponse(413, "").isRetryable()).isFalse();
        assertThat(new WebhookResponse(429, "").isRetryable()).isTrue();
        assertThat(new WebhookResponse(503, "").isRetryable()).isTrue();
    }

    @Test
    void summaryGivesTheWebhooksReasonAndMessageOnOneLine() {
        assertThat(new WebhookResponse(
                                400, "{\"reason\":\"KubeconfigInvalid\",\"message\":\"the kubeconfig has 2 clusters\"}")
                        .summary())
                .isEqualTo("HTTP 400 KubeconfigInvalid: the kubeconfig has 2 clusters");
    }

    @Test
    void summaryOfAForeignPageIsOneShortLine() {
        String summary =
                new WebhookResponse(502, "<html>\n<body>\nBad gateway " + "x".repeat(500) + "</body></html>").summary();

        assertThat(summary)
                .startsWith("HTTP 502: <html> <body> Bad gateway")
                .doesNotContain("\n")
                .hasSizeLessThan(220);
        assertThat(new WebhookResponse(413, "").summary()).isEqualTo("HTTP 413");
    }
}
