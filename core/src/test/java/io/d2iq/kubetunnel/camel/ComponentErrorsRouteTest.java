package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Misused URIs fail when the route starts, with a message that says what to fix. */
class ComponentErrorsRouteTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void anInformerWithoutAKubernetesClientNamesTheFix() {
        assertThatThrownBy(() -> startWith("informer:ConfigMap", "log:x"))
                .hasStackTraceContaining("needs a KubernetesClient")
                .hasStackTraceContaining("kubernetesClient=#beanName");
    }

    @Test
    void anInformerWithoutAKindIsRejected() {
        assertThatThrownBy(() -> startWith("informer:?apiVersion=v1", "log:x"))
                .hasStackTraceContaining("informer: needs a kind");
    }

    @Test
    void anInformerCannotBeSentTo() {
        assertThatThrownBy(() -> startWith("direct:in", "informer:ConfigMap"))
                .hasStackTraceContaining("informer: only consumes");
    }

    @Test
    void anUnknownOptionIsRejected() {
        assertThatThrownBy(() -> startWith("workqueue:q?concurentConsumers=2", "log:x"))
                .hasStackTraceContaining("concurentConsumers");
    }

    @Test
    void backoffOptionsMustBeOrdered() {
        assertThatThrownBy(() -> startWith("workqueue:q?initialBackoff=5000&maxBackoff=1000", "log:x"))
                .hasStackTraceContaining("initialBackoff=5000 maxBackoff=1000");
    }

    @Test
    void aWorkQueueNeedsAtLeastOneConsumer() {
        assertThatThrownBy(() -> startWith("workqueue:q?concurrentConsumers=0", "log:x"))
                .hasStackTraceContaining("concurrentConsumers must be >= 1");
    }

    private void startWith(String from, String to) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).to(to);
            }
        });
        context.start();
    }
}
