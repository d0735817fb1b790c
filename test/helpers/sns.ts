/** An SNS event as Lambda receives it for one message on the alarm topic (or the topic given). */
export const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:dispatch-test-alarms';

export function snsEvent(
  message: string,
  messageId = '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
  topicArn = ALARM_TOPIC,
) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${ALARM_TOPIC}:abc`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: 'test',
          Message: message,
          Timestamp: '2026-11-23T09:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}
